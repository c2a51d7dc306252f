#pragma once

#include "crdt/yid.h"

#include <vector>

namespace crm::crdt {

class BinaryReader;
class BinaryWriter;

// Clock ranges per client that are deleted: how Yjs sends deletions (a deleted character keeps
// its place in the sequence; only this set says it is gone).
class DeleteSet
{
public:
    struct Range
    {
        quint64 clock = 0;
        quint64 length = 0;
        quint64 end() const { return clock + length; }
    };
    using Clients = std::map<quint64, std::vector<Range>>;

    void add(quint64 client, quint64 clock, quint64 length);
    void add(const DeleteSet& other);
    // Sorts each client's ranges and joins those that touch or overlap.
    void normalize();
    bool isEmpty() const { return m_clients.empty(); }
    const Clients& clients() const { return m_clients; }
    bool contains(YId id) const;

    // The v1 encoding: clients highest first, each with its (clock, length) pairs.
    void write(BinaryWriter& out) const;
    // Reads and checks (no empty range, no clock beyond 2^53 - 1); a failure is on `in`.
    static DeleteSet read(BinaryReader& in);

private:
    Clients m_clients;
};

} // namespace crm::crdt
