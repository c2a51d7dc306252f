#include "realtime/backoffpolicy.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <vector>

using crm::BackoffPolicy;
using Millis = std::chrono::milliseconds;

TEST_CASE("Backoff ceilings double from the base and stop at the cap", "[backoff]")
{
    const BackoffPolicy policy(Millis(1000), Millis(30000), 1);
    CHECK(policy.ceilingFor(1) == Millis(1000));
    CHECK(policy.ceilingFor(2) == Millis(2000));
    CHECK(policy.ceilingFor(3) == Millis(4000));
    CHECK(policy.ceilingFor(5) == Millis(16000));
    CHECK(policy.ceilingFor(6) == Millis(30000));
    CHECK(policy.ceilingFor(7) == Millis(30000));
}

TEST_CASE("Backoff never overflows, however long it retries", "[backoff]")
{
    const BackoffPolicy policy(Millis(1000), Millis(30000), 1);
    for (int attempt : {31, 32, 63, 64, 65, 1000, 1'000'000, std::numeric_limits<int>::max()})
        CHECK(policy.ceilingFor(attempt) == Millis(30000));
    CHECK(policy.ceilingFor(0) == Millis(1000));
    CHECK(policy.ceilingFor(-5) == Millis(1000));

    const BackoffPolicy huge(Millis(Millis::rep(1) << 40),
                             Millis(std::numeric_limits<Millis::rep>::max()), 1);
    CHECK(huge.ceilingFor(std::numeric_limits<int>::max()).count() > 0);
}

TEST_CASE("Backoff delays stay within [0, ceiling]", "[backoff]")
{
    BackoffPolicy policy(Millis(250), Millis(8000), 42);
    for (int attempt = 1; attempt <= 40; ++attempt) {
        for (int draw = 0; draw < 200; ++draw) {
            const auto delay = policy.delayFor(attempt);
            REQUIRE(delay >= Millis(0));
            REQUIRE(delay <= policy.ceilingFor(attempt));
        }
    }
}

TEST_CASE("Backoff bad configuration is made safe", "[backoff]")
{
    const BackoffPolicy zero(Millis(0), Millis(0), 1);
    CHECK(zero.base() == Millis(1));
    CHECK(zero.cap() == Millis(1));
    const BackoffPolicy inverted(Millis(5000), Millis(1000), 1);
    CHECK(inverted.cap() == Millis(5000));
}

TEST_CASE("Backoff still spreads retries once every client is at the cap", "[backoff]")
{
    // A thousand clients that all reached the cap must not retry in lockstep: draws after the
    // cap have to look uniform over [0, cap].
    BackoffPolicy policy(Millis(1000), Millis(30000), 20261122);
    constexpr int draws = 20000;
    std::vector<double> values;
    values.reserve(draws);
    for (int i = 0; i < draws; ++i)
        values.push_back(static_cast<double>(policy.delayFor(50 + i % 7).count()));

    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / draws;
    double variance = 0;
    for (double v : values)
        variance += (v - mean) * (v - mean);
    const double stddev = std::sqrt(variance / draws);

    // Uniform on [0, 30000]: mean 15000, standard deviation 30000 / sqrt(12) = 8660.
    CHECK(mean == Approx(15000).epsilon(0.03));
    CHECK(stddev == Approx(8660).epsilon(0.05));
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    CHECK(*lo < 300);
    CHECK(*hi > 29700);

    // Every tenth of the range gets its share (chi-square over ten buckets, 9 degrees of
    // freedom: 27.9 is the 0.1% critical value).
    std::vector<int> buckets(10, 0);
    for (double v : values)
        ++buckets[std::min(9, static_cast<int>(v / 3000.0))];
    double chi2 = 0;
    for (int count : buckets)
        chi2 += (count - draws / 10.0) * (count - draws / 10.0) / (draws / 10.0);
    CHECK(chi2 < 27.9);

    std::set<double> distinct(values.begin(), values.end());
    CHECK(distinct.size() > 10000);
}

TEST_CASE("Backoff with the same seed repeats, with another seed differs", "[backoff]")
{
    BackoffPolicy a(Millis(1000), Millis(30000), 7);
    BackoffPolicy b(Millis(1000), Millis(30000), 7);
    BackoffPolicy c(Millis(1000), Millis(30000), 8);
    std::vector<Millis> sa, sb, sc;
    for (int attempt = 1; attempt <= 20; ++attempt) {
        sa.push_back(a.delayFor(attempt));
        sb.push_back(b.delayFor(attempt));
        sc.push_back(c.delayFor(attempt));
    }
    CHECK(sa == sb);
    CHECK(sa != sc);
}
