#include "realtime/backoffpolicy.h"

#include <algorithm>
#include <QRandomGenerator>

namespace crm {

BackoffPolicy::BackoffPolicy(Millis base, Millis cap)
    : BackoffPolicy(base, cap, QRandomGenerator::global()->generate64())
{}

BackoffPolicy::BackoffPolicy(Millis base, Millis cap, std::uint64_t seed)
    : m_base(std::max(base, Millis(1))), m_cap(std::max(cap, std::max(base, Millis(1)))),
      m_rng(seed)
{}

BackoffPolicy::Millis BackoffPolicy::ceilingFor(int attempt) const
{
    const int exponent = std::clamp(attempt - 1, 0, kMaxExponent);
    // Compare in the exponent domain first so base * 2^exponent is never computed when it
    // would exceed the cap (and never overflows).
    const auto base = m_base.count();
    const auto cap = m_cap.count();
    if (base > (cap >> exponent))
        return m_cap;
    return Millis(std::min(cap, base << exponent));
}

BackoffPolicy::Millis BackoffPolicy::delayFor(int attempt)
{
    std::uniform_int_distribution<Millis::rep> jitter(0, ceilingFor(attempt).count());
    return Millis(jitter(m_rng));
}

} // namespace crm
