#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

namespace crm {

// Emits that only matter while fresh (presence, "I am viewing X", typing) made while the link
// is down. Bounded: when full the oldest entry goes and is counted. Entries with a coalescing
// key replace the earlier entry with the same key, so ten status changes offline send one.
// Durable work never comes here: the outbox in models/ owns it.
class EphemeralBuffer
{
public:
    struct Entry
    {
        QString key; // empty: never coalesced
        QString event;
        QJsonArray args;
    };

    explicit EphemeralBuffer(qsizetype capacity = 64);

    void setCapacity(qsizetype capacity);
    qsizetype capacity() const { return m_capacity; }

    // Returns true if an older entry had to be dropped to make room.
    bool push(Entry entry);
    QList<Entry> takeAll();

    qsizetype size() const { return m_entries.size(); }
    qint64 droppedCount() const { return m_dropped; }

private:
    bool trimToCapacity();

    qsizetype m_capacity;
    QList<Entry> m_entries;
    qint64 m_dropped = 0;
};

} // namespace crm
