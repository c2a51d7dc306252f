#pragma once

#include "server/storage/changeentry.h"

#include <chrono>
#include <functional>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace crm {

class ChangeLog;

// Hands every committed change of every brokerage to this node's sockets exactly once and in seq
// order, whichever node committed it. Changes come from this node's own commits and from the
// cluster bus, which may lose, repeat or (across nodes) reorder them: one already delivered is
// dropped, and one that would leave a gap first has the gap filled from the change log (seq is
// given out in the committing transaction, so everything before a committed change is committed
// too). A gap that cannot be filled yet (the read failed) holds delivery back; nothing after a
// hole is ever delivered.
//
// The change log is also read every `pollInterval` (when set), for changes no message announced:
// one published by a node killed just after its commit, or all of them while Redis is away.
class ChangeFeed : public QObject
{
    Q_OBJECT
public:
    using Deliver = std::function<void(const ChangeEntry& change)>;

    ChangeFeed(ChangeLog& log, Deliver deliver, QObject* parent = nullptr);

    // Everything committed before now counts as delivered (sockets that connect catch up on
    // their own, from their own seq).
    void start();
    void offer(const ChangeEntry& change);
    // Reads the log for anything committed that was not delivered yet.
    void catchUp();
    // Zero: no polling (a single node hears of every change from itself).
    void setPollInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds pollInterval() const;

    std::uint64_t gapsFilled() const { return m_gapsFilled; }
    std::uint64_t duplicatesDropped() const { return m_duplicates; }

private:
    // Delivers from the log what follows `brokerage`'s delivered seq, up to `upTo` (inclusive).
    void fill(const QString& brokerage, qint64 upTo);
    void deliver(const ChangeEntry& change);

    ChangeLog& m_log;
    Deliver m_deliver;
    QHash<QString, qint64> m_delivered; // brokerage -> last seq handed to the sockets
    bool m_started = false;             // m_delivered holds the log's position at start
    QTimer m_poll;
    std::uint64_t m_gapsFilled = 0;
    std::uint64_t m_duplicates = 0;
};

} // namespace crm
