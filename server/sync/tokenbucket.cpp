#include "server/sync/tokenbucket.h"

#include <algorithm>

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
    refill(now);
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

double TokenBucket::available(Clock::time_point now)
{
    refill(now);
    return m_tokens;
}

} // namespace crm
