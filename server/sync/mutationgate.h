#pragma once

#include "server/sync/tokenbucket.h"

#include <deque>
#include <functional>
#include <QObject>
#include <QTimer>

namespace crm {

// Meters the mutation work of one socket. The socket's event bucket counts requests; this
// counts the mutations inside them, so a `mutate:batch` of 100 costs 100 here and one event
// there. A request runs at once while the budget allows; otherwise it waits, in arrival order,
// until the budget has refilled: a client that sends its backlog one batch at a time is slowed
// down, never cut off. Only a socket that piles up more than kMaxWaiting requests without
// waiting for their answers is flooding.
class MutationGate : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxWaiting = 4;

    MutationGate(double capacity, double perSecond, QObject* parent = nullptr);

    enum class Admission
    {
        Ran,      // the work ran before submit() returned
        Waiting,  // it runs later, after what waits before it
        Flooding, // refused: too much waits already
    };
    // `cost` is clamped to the capacity, so every request can run eventually.
    Admission submit(double cost, std::function<void()> work);
    int waiting() const { return static_cast<int>(m_waiting.size()); }

private:
    void drain();

    struct Pending
    {
        double cost;
        std::function<void()> work;
    };
    TokenBucket m_budget;
    std::deque<Pending> m_waiting;
    QTimer m_timer;
};

} // namespace crm
