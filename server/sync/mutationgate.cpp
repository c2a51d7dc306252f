#include "server/sync/mutationgate.h"

#include <algorithm>

namespace crm {

MutationGate::MutationGate(double capacity, double perSecond, QObject* parent)
    : QObject(parent), m_budget(capacity, perSecond)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &MutationGate::drain);
}

MutationGate::Admission MutationGate::submit(double cost, std::function<void()> work)
{
    cost = std::clamp(cost, 1.0, m_budget.capacity());
    // Whatever waits goes first: the order of a socket's mutations is the order they apply in.
    if (m_waiting.empty() && m_budget.take(cost, TokenBucket::Clock::now())) {
        work();
        return Admission::Ran;
    }
    if (m_waiting.size() >= kMaxWaiting)
        return Admission::Flooding;
    m_waiting.push_back({cost, std::move(work)});
    if (!m_timer.isActive())
        m_timer.start(m_budget.timeUntil(m_waiting.front().cost));
    return Admission::Waiting;
}

void MutationGate::drain()
{
    while (!m_waiting.empty() && m_budget.take(m_waiting.front().cost, TokenBucket::Clock::now())) {
        // Taken off the queue before it runs: the work may submit more, or end the session.
        auto work = std::move(m_waiting.front().work);
        m_waiting.pop_front();
        work();
    }
    if (!m_waiting.empty())
        m_timer.start(
            std::max(std::chrono::milliseconds(1), m_budget.timeUntil(m_waiting.front().cost)));
}

} // namespace crm
