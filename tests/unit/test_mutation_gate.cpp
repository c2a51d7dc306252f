// MutationGate: a socket's mutation work runs while its budget allows, waits in order when it
// does not, and only a pile of waiting requests is a flood.
#include "server/sync/mutationgate.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#include <QList>

using namespace crm;
using namespace std::chrono_literals;

TEST_CASE("MutationGate: runs within the budget, waits in order beyond it, refuses a pile",
          "[server][ratelimit]")
{
    MutationGate gate(10, 100); // 10 at once, 100 a second
    QList<int> ran;
    auto work = [&](int n) { return [&ran, n] { ran.append(n); }; };
    CHECK(gate.submit(10, work(1)) == MutationGate::Admission::Ran);
    CHECK(ran == QList<int>{1});
    // The budget is spent: the next ones wait, however small, behind each other.
    for (int n = 2; n <= 5; ++n)
        CHECK(gate.submit(n == 3 ? 1 : 10, work(n)) == MutationGate::Admission::Waiting);
    CHECK(gate.waiting() == MutationGate::kMaxWaiting);
    CHECK(gate.submit(1, work(6)) == MutationGate::Admission::Flooding);
    CHECK(ran == QList<int>{1}); // nothing overtook, nothing ran early
    REQUIRE(test::waitUntil([&] { return ran.size() == 5; }, 5s));
    CHECK(ran == (QList<int>{1, 2, 3, 4, 5})); // in arrival order; the refused one never ran
    CHECK(gate.waiting() == 0);
    // A request larger than the whole budget is clamped to it, so it still runs one day.
    CHECK(gate.submit(1000, work(7)) != MutationGate::Admission::Flooding);
    REQUIRE(test::waitUntil([&] { return ran.size() == 6; }, 5s));
}
