#pragma once

#include <chrono>

namespace crm {

// Per-socket rate limit: `capacity` events at once, refilled at `perSecond`. A client that
// empties it is abusive (a normal one sends a few events a second).
class TokenBucket
{
public:
    using Clock = std::chrono::steady_clock;

    explicit TokenBucket(double capacity = 100, double perSecond = 50);

    // Takes one token; false when none is left.
    bool take(Clock::time_point now = Clock::now());
    double available(Clock::time_point now = Clock::now());

private:
    void refill(Clock::time_point now);

    double m_capacity;
    double m_perSecond;
    double m_tokens;
    Clock::time_point m_last;
};

} // namespace crm
