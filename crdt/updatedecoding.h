#pragma once

#include "crdt/deleteset.h"
#include "crdt/textitem.h"

#include <variant>
#include <vector>

namespace crm::crdt {

// Why an update was refused: the bytes are not a Yjs v1 update of this note, or they would need
// history that can never arrive. Nothing of a refused update is applied.
struct UpdateError
{
    enum class Kind
    {
        Malformed,      // truncated, wrong lengths, bad integers or UTF-8, trailing bytes
        Unsupported,    // a content or parent a note's text does not have (maps, nested types)
        MissingHistory, // needs structs the document does not hold (strict mode only)
    };
    Kind kind = Kind::Malformed;
    QString message;
};

// A v1 update read and checked, not yet applied: its structs per client in clock order (Skip
// ranges left out) and its delete set.
struct DecodedUpdate
{
    std::map<quint64, std::vector<TextItem>> structs;
    DeleteSet deletes;
};

// Reads a whole update whose root text is named `rootName`. Every struct is checked for what
// the reader can check alone: lengths, clocks within 2^53, origins not after the struct itself,
// content kinds a text holds, the parent being that root.
std::variant<DecodedUpdate, UpdateError> decodeUpdate(QByteArrayView bytes,
                                                      const QString& rootName);

} // namespace crm::crdt
