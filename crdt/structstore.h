#pragma once

#include "crdt/textitem.h"

#include <memory>
#include <vector>

namespace crm::crdt {

// Every struct a document holds, per client in clock order with no gap from clock 0 (Yjs's
// StructStore): finds the struct holding an id, cuts structs where an operation needs an edge,
// and joins them again where nothing tells them apart.
class StructStore
{
public:
    using Structs = std::vector<std::unique_ptr<TextItem>>;

    // The next clock expected from `client` (0 when it is unknown).
    quint64 state(quint64 client) const;
    StateVector stateVector() const;
    const std::map<quint64, Structs>& clients() const { return m_clients; }

    // The struct holding `id`, or null when the document does not hold it.
    TextItem* find(YId id) const;
    // Cuts so that an item starts / ends exactly at `id` and returns that item (a GC range is
    // returned uncut: it has no place to cut). `id` must be held. A cut adds the new item to
    // *cut so the transaction can clear its marks.
    TextItem* cleanStart(YId id, std::vector<TextItem*>* cut = nullptr);
    TextItem* cleanEnd(YId id, std::vector<TextItem*>* cut = nullptr);
    // Adds a struct at the end of its client's run (its clock must equal state(client)).
    TextItem* append(TextItem item);
    // Joins the struct holding `id` with its left neighbour in the client's run when Yjs
    // would (same state, contiguous in the text): fewer, longer runs.
    void tryMergeWithLeft(YId id);
    // Whether a surrogate pair was cut in two since the last call (the text changed in place).
    bool takeReplacedPair() { return std::exchange(m_replacedPair, false); }

    quint64 structCount() const;

private:
    Structs* structsOf(quint64 client);
    static size_t indexOf(const Structs& structs, quint64 clock);
    TextItem* cutAt(quint64 client, size_t index, quint64 offset, std::vector<TextItem*>* cut);

    std::map<quint64, Structs> m_clients;
    bool m_replacedPair = false;
};

} // namespace crm::crdt
