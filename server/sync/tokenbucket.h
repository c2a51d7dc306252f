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
    // Takes `cost` tokens at once, or none (false) when fewer are left.
    bool take(double cost, Clock::time_point now);
    // How long until `cost` tokens are there (zero when they are now).
    std::chrono::milliseconds timeUntil(double cost, Clock::time_point now = Clock::now());
    double capacity() const { return m_capacity; }
    double available(Clock::time_point now = Clock::now());

private:
    void refill(Clock::time_point now);

    double m_capacity;
    double m_perSecond;
    double m_tokens;
    Clock::time_point m_last;
};

} // namespace crm
