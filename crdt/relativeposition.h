#pragma once

#include "crdt/yid.h"

#include <optional>
#include <QJsonObject>

namespace crm::crdt {

class TextDocument;

// A place in a text that keeps to its characters while others type: Yjs's RelativePosition of
// a root type. `item` is the character the place sits before (assoc >= 0) or after (assoc < 0);
// without one it is the text's end (assoc >= 0) or start (assoc < 0). A web editor's caret
// (y-protocols awareness `cursor.anchor` / `cursor.head`) is one of these, as JSON.
struct RelativePosition
{
    std::optional<YId> item;
    int assoc = 0;

    // Yjs's createRelativePositionFromTypeIndex.
    static RelativePosition at(const TextDocument& doc, qsizetype index, int assoc = 0);
    // Where the place is now (Yjs's createAbsolutePositionFromRelativePosition), or nullopt when
    // it names a character this document has not seen yet.
    std::optional<qsizetype> resolve(const TextDocument& doc) const;

    // Yjs's relativePositionToJSON for a root type: {"tname", "item": {"client", "clock"},
    // "assoc"}.
    QJsonObject toJson(const QString& rootName) const;
    // nullopt for JSON that is not a relative position in the root type `rootName`.
    static std::optional<RelativePosition> fromJson(const QJsonValue& json,
                                                    const QString& rootName);

    bool operator==(const RelativePosition&) const = default;
};

} // namespace crm::crdt
