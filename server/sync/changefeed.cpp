#include "server/sync/changefeed.h"

#include "server/storage/changelog.h"
#include "server/sync/synclogging.h"

namespace crm {

namespace {

// One log read fills at most this many changes; a longer gap takes several reads.
constexpr int kPage = 500;

} // namespace

ChangeFeed::ChangeFeed(ChangeLog& log, Deliver deliver, QObject* parent)
    : QObject(parent), m_log(log), m_deliver(std::move(deliver))
{
    connect(&m_poll, &QTimer::timeout, this, &ChangeFeed::catchUp);
}

void ChangeFeed::start()
{
    if (const auto seqs = m_log.lastSeqs()) {
        m_delivered = *seqs;
        m_started = true;
    } else {
        // Never "from 0": that would read the whole history on the event loop. The first read
        // that works sets the position (catchUp), or the first change this node hears.
        qCWarning(lcSync) << "could not read the change log's position; waiting for the database";
    }
}

void ChangeFeed::setPollInterval(std::chrono::milliseconds interval)
{
    if (interval.count() <= 0)
        return m_poll.stop();
    if (m_poll.isActive() && m_poll.intervalAsDuration() == interval)
        return;
    m_poll.start(interval);
}

std::chrono::milliseconds ChangeFeed::pollInterval() const
{
    return m_poll.isActive() ? m_poll.intervalAsDuration() : std::chrono::milliseconds(0);
}

void ChangeFeed::offer(const ChangeEntry& change)
{
    // A brokerage this feed has not seen was created after start(): its log starts at 0 (or,
    // when start() could not read the log, it starts here).
    if (!m_started && !m_delivered.contains(change.brokerageId))
        m_delivered.insert(change.brokerageId, change.seq - 1);
    const qint64 delivered = m_delivered.value(change.brokerageId, 0);
    if (change.seq <= delivered) {
        ++m_duplicates;
        return;
    }
    if (change.seq > delivered + 1) {
        ++m_gapsFilled;
        fill(change.brokerageId, change.seq - 1);
        if (m_delivered.value(change.brokerageId, 0) != change.seq - 1)
            return; // the hole stays until the next read: never deliver past it
    }
    deliver(change);
}

void ChangeFeed::catchUp()
{
    const auto seqs = m_log.lastSeqs();
    if (!seqs)
        return; // the database is away; the next poll tries again
    if (!m_started) {
        for (auto it = seqs->cbegin(); it != seqs->cend(); ++it) {
            if (!m_delivered.contains(it.key()))
                m_delivered.insert(it.key(), it.value());
        }
        m_started = true;
    }
    for (auto it = seqs->cbegin(); it != seqs->cend(); ++it) {
        if (it.value() > m_delivered.value(it.key(), 0)) {
            ++m_gapsFilled;
            fill(it.key(), it.value());
        }
    }
}

void ChangeFeed::fill(const QString& brokerage, qint64 upTo)
{
    qint64 delivered = m_delivered.value(brokerage, 0);
    while (delivered < upTo) {
        const auto page = m_log.since(brokerage, delivered,
                                      static_cast<int>(std::min<qint64>(kPage, upTo - delivered)));
        if (page.isEmpty())
            break;
        for (const auto& change : page) {
            if (change.seq != delivered + 1) {
                qCWarning(lcSync) << "change log of" << brokerage << "jumps from" << delivered
                                  << "to" << change.seq << "; waiting for the missing changes";
                return;
            }
            deliver(change);
            delivered = change.seq;
        }
    }
}

void ChangeFeed::deliver(const ChangeEntry& change)
{
    m_delivered.insert(change.brokerageId, change.seq);
    m_deliver(change);
}

} // namespace crm
