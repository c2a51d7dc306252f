#include "server/sync/tokenbucket.h"

#include <algorithm>
#include <cmath>
#include <QtGlobal>

namespace crm {

TokenBucket::TokenBucket(double capacity, double perSecond)
    : m_capacity(std::max(1.0, capacity)), m_perSecond(std::max(0.0, perSecond)),
      m_tokens(m_capacity), m_last(Clock::now())
{}

void TokenBucket::refill(Clock::time_point now)
{
    if (now <= m_last)
        return;
    const double seconds = std::chrono::duration<double>(now - m_last).count();
    m_tokens = std::min(m_capacity, m_tokens + seconds * m_perSecond);
    m_last = now;
}

bool TokenBucket::take(Clock::time_point now)
{
    return take(1.0, now);
}

bool TokenBucket::take(double cost, Clock::time_point now)
{
    refill(now);
    if (m_tokens < cost)
        return false;
    m_tokens -= cost;
    return true;
}

std::chrono::milliseconds TokenBucket::timeUntil(double cost, Clock::time_point now)
{
    refill(now);
    if (m_tokens >= cost || m_perSecond <= 0)
        return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(
        static_cast<qint64>(std::ceil((cost - m_tokens) / m_perSecond * 1000.0)));
}

double TokenBucket::available(Clock::time_point now)
{
    refill(now);
    return m_tokens;
}

} // namespace crm
