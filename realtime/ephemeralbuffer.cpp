#include "realtime/ephemeralbuffer.h"

#include "realtime/logging.h"

#include <algorithm>

namespace crm {

EphemeralBuffer::EphemeralBuffer(qsizetype capacity) : m_capacity(std::max<qsizetype>(0, capacity))
{}

void EphemeralBuffer::setCapacity(qsizetype capacity)
{
    m_capacity = std::max<qsizetype>(0, capacity);
    trimToCapacity();
}

bool EphemeralBuffer::push(Entry entry)
{
    if (!entry.key.isEmpty()) {
        const auto same = std::find_if(m_entries.begin(), m_entries.end(),
                                       [&](const Entry& e) { return e.key == entry.key; });
        if (same != m_entries.end()) {
            // Newest state wins and moves to the back, keeping order of last change.
            m_entries.erase(same);
        }
    }
    m_entries.append(std::move(entry));
    return trimToCapacity();
}

QList<EphemeralBuffer::Entry> EphemeralBuffer::takeAll()
{
    return std::exchange(m_entries, {});
}

bool EphemeralBuffer::trimToCapacity()
{
    const qsizetype excess = m_entries.size() - m_capacity;
    if (excess <= 0)
        return false;
    for (qsizetype i = 0; i < excess; ++i)
        qCWarning(lcConnection) << "offline buffer full: dropping ephemeral"
                                << m_entries.at(i).event;
    m_entries.remove(0, excess);
    m_dropped += excess;
    return true;
}

} // namespace crm
