#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <QJsonArray>
#include <QObject>
#include <QTimer>
#include <set>

namespace crm {

// What became of an emit that asked for an acknowledgement.
struct AckOutcome
{
    enum class Status
    {
        Acked,        // the peer answered; args holds its answer
        TimedOut,     // no answer within the emit's timeout
        Disconnected, // the link dropped before an answer came (the emit may or may not have
                      // been processed: the caller decides whether to resend)
        NotSent,      // the emit never left: not online, or too large for the link
    };
    Status status = Status::Acked;
    QJsonArray args;
    QString error;
    std::chrono::milliseconds roundTrip{0};

    bool ok() const { return status == Status::Acked; }
};

using AckCallback = std::function<void(const AckOutcome&)>;

// Acks waiting for an answer, each with its own deadline, served by a single timer armed for
// the earliest one. Ids increase for the life of the object and are never reused, so a late
// answer from an old link can never complete a newer emit.
class PendingAcks : public QObject
{
    Q_OBJECT
public:
    using Clock = std::chrono::steady_clock;

    explicit PendingAcks(QObject* parent = nullptr);

    // The id the next add() will return, for encoding the packet before committing to it.
    qint64 nextId() const { return m_nextId; }
    qint64 add(AckCallback callback, std::chrono::milliseconds timeout);
    // Completes the ack with that id. False when nothing waits for it (late or unknown answer).
    bool resolve(qint64 id, const QJsonArray& args);
    // Fails every waiting ack, e.g. with Disconnected when the link drops.
    void failAll(AckOutcome::Status status, const QString& error);
    qsizetype size() const { return static_cast<qsizetype>(m_entries.size()); }

private:
    struct Entry
    {
        AckCallback callback;
        Clock::time_point sentAt;
        Clock::time_point deadline;
    };

    void expireDue();
    void rearm();

    qint64 m_nextId = 0;
    std::map<qint64, Entry> m_entries;
    std::set<std::pair<Clock::time_point, qint64>> m_deadlines;
    QTimer m_timer;
};

} // namespace crm
