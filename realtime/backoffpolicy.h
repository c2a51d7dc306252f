#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace crm {

// Exponential backoff with full jitter: the n-th retry waits a uniform random time in
// [0, min(cap, base * 2^n)]. Two details differ from socket.io-client on purpose:
//  - the exponent is clamped, so a client that retries for days never overflows;
//  - jitter is drawn after the cap, so once a thousand clients all hit the cap they still
//    spread out instead of retrying in lockstep against a server that just restarted.
class BackoffPolicy
{
public:
    using Millis = std::chrono::milliseconds;

    BackoffPolicy(Millis base = Millis(1000), Millis cap = Millis(30000));
    BackoffPolicy(Millis base, Millis cap, std::uint64_t seed);

    // Upper bound of the wait before retry number `attempt` (1-based), before jitter.
    Millis ceilingFor(int attempt) const;
    // The actual wait: uniform in [0, ceilingFor(attempt)].
    Millis delayFor(int attempt);

    Millis base() const { return m_base; }
    Millis cap() const { return m_cap; }

    // 2^30 times any sane base is far above any cap, so larger exponents change nothing.
    static constexpr int kMaxExponent = 30;

private:
    Millis m_base;
    Millis m_cap;
    std::mt19937_64 m_rng;
};

} // namespace crm
