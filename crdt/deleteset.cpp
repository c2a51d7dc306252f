#include "crdt/deleteset.h"

#include "crdt/binarycoding.h"

#include <algorithm>

namespace crm::crdt {

void DeleteSet::add(quint64 client, quint64 clock, quint64 length)
{
    if (length > 0)
        m_clients[client].push_back({clock, length});
}

void DeleteSet::add(const DeleteSet& other)
{
    for (const auto& [client, ranges] : other.m_clients)
        for (const Range& range : ranges)
            add(client, range.clock, range.length);
}

void DeleteSet::normalize()
{
    for (auto& [client, ranges] : m_clients) {
        std::sort(ranges.begin(), ranges.end(),
                  [](const Range& a, const Range& b) { return a.clock < b.clock; });
        size_t kept = 0;
        for (size_t i = 1; i < ranges.size(); ++i) {
            Range& last = ranges[kept];
            if (ranges[i].clock <= last.end())
                last.length = std::max(last.end(), ranges[i].end()) - last.clock;
            else
                ranges[++kept] = ranges[i];
        }
        ranges.resize(ranges.empty() ? 0 : kept + 1);
    }
}

bool DeleteSet::contains(YId id) const
{
    const auto found = m_clients.find(id.client);
    if (found == m_clients.end())
        return false;
    return std::any_of(found->second.begin(), found->second.end(), [&](const Range& range) {
        return id.clock >= range.clock && id.clock < range.end();
    });
}

void DeleteSet::write(BinaryWriter& out) const
{
    out.writeVarUint(m_clients.size());
    for (auto it = m_clients.rbegin(); it != m_clients.rend(); ++it) {
        out.writeVarUint(it->first);
        out.writeVarUint(it->second.size());
        for (const Range& range : it->second) {
            out.writeVarUint(range.clock);
            out.writeVarUint(range.length);
        }
    }
}

DeleteSet DeleteSet::read(BinaryReader& in)
{
    DeleteSet set;
    const quint64 clients = in.readVarUint();
    for (quint64 c = 0; c < clients && !in.failed(); ++c) {
        const quint64 client = in.readVarUint();
        const quint64 count = in.readVarUint();
        for (quint64 i = 0; i < count && !in.failed(); ++i) {
            const quint64 clock = in.readVarUint();
            const quint64 length = in.readVarUint();
            if (in.failed())
                break;
            if (length == 0)
                in.fail(QStringLiteral("an empty deletion range for client %1").arg(client));
            else if (clock > kMaxSafeInteger - length)
                in.fail(QStringLiteral("a deletion range for client %1 ends beyond 2^53 - 1")
                            .arg(client));
            else
                set.add(client, clock, length);
        }
    }
    return set;
}

} // namespace crm::crdt
