#include "protocol/pendingacks.h"
#include "realtime/connectionconfig.h"
#include "realtime/ephemeralbuffer.h"
#include "realtime/heartbeatdeadline.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#include <thread>

using namespace crm;
using namespace std::chrono_literals;
using Status = AckOutcome::Status;

TEST_CASE("PendingAcks completes each ack once, with its answer", "[acks]")
{
    PendingAcks acks;
    QList<AckOutcome> seen;
    const qint64 first = acks.add([&](const AckOutcome& o) { seen.append(o); }, 5s);
    const qint64 second = acks.add([&](const AckOutcome& o) { seen.append(o); }, 5s);
    CHECK(second == first + 1);
    CHECK(acks.size() == 2);

    CHECK(acks.resolve(second, {QStringLiteral("b")}));
    CHECK_FALSE(acks.resolve(second, {})); // a duplicate answer is ignored
    CHECK_FALSE(acks.resolve(12345, {}));  // so is an unknown id
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].ok());
    CHECK(seen[0].args == QJsonArray{QStringLiteral("b")});
    CHECK(acks.size() == 1);
}

TEST_CASE("PendingAcks times out each ack at its own deadline", "[acks]")
{
    PendingAcks acks;
    QList<qint64> order;
    QList<Status> statuses;
    const qint64 slow = acks.add(
        [&](const AckOutcome& o) {
            order.append(1);
            statuses.append(o.status);
        },
        400ms);
    const qint64 fast = acks.add(
        [&](const AckOutcome& o) {
            order.append(0);
            statuses.append(o.status);
        },
        50ms);
    Q_UNUSED(slow);
    Q_UNUSED(fast);
    REQUIRE(test::waitUntil([&] { return order.size() == 2; }, 5s));
    CHECK(order == QList<qint64>{0, 1});
    CHECK(statuses == QList<Status>{Status::TimedOut, Status::TimedOut});
    CHECK(acks.size() == 0);
}

TEST_CASE("PendingAcks fails everything on disconnect and never reuses ids", "[acks]")
{
    PendingAcks acks;
    int disconnected = 0;
    qint64 lastId = -1;
    for (int i = 0; i < 5; ++i)
        lastId = acks.add(
            [&](const AckOutcome& o) {
                if (o.status == Status::Disconnected)
                    ++disconnected;
            },
            5s);
    // A callback that emits again while failAll runs must not be failed by the same call.
    acks.add([&](const AckOutcome&) { acks.add({}, 5s); }, 5s);
    acks.failAll(Status::Disconnected, QStringLiteral("link dropped"));
    CHECK(disconnected == 5);
    CHECK(acks.size() == 1);
    CHECK(acks.nextId() > lastId + 1);
    CHECK_FALSE(acks.resolve(lastId, {})); // a late answer from the old link finds nothing
}

TEST_CASE("EphemeralBuffer coalesces by key and keeps the newest value", "[ephemeral]")
{
    EphemeralBuffer buffer(10);
    buffer.push(
        {QStringLiteral("status"), QStringLiteral("presence:set"), {QStringLiteral("away")}});
    buffer.push({{}, QStringLiteral("typing"), {1}});
    buffer.push(
        {QStringLiteral("status"), QStringLiteral("presence:set"), {QStringLiteral("busy")}});
    buffer.push({{}, QStringLiteral("typing"), {2}}); // no key: never coalesced
    const auto entries = buffer.takeAll();
    // Order of last change: the status moved behind the first "typing" when it changed again.
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].args == QJsonArray{1});
    CHECK(entries[1].args == QJsonArray{QStringLiteral("busy")});
    CHECK(entries[2].args == QJsonArray{2});
    CHECK(buffer.size() == 0);
    CHECK(buffer.droppedCount() == 0);
}

TEST_CASE("EphemeralBuffer is bounded and counts what it drops", "[ephemeral]")
{
    EphemeralBuffer buffer(3);
    for (int i = 0; i < 10; ++i)
        buffer.push({{}, QStringLiteral("e%1").arg(i), {}});
    CHECK(buffer.size() == 3);
    CHECK(buffer.droppedCount() == 7);
    const auto entries = buffer.takeAll();
    CHECK(entries.first().event == QStringLiteral("e7")); // the oldest went first
    buffer.setCapacity(0);
    CHECK(buffer.push({{}, QStringLiteral("x"), {}}));
    CHECK(buffer.size() == 0);
    CHECK(buffer.droppedCount() == 8);
}

TEST_CASE("HeartbeatDeadline expires after its window", "[heartbeat]")
{
    HeartbeatDeadline deadline;
    CHECK_FALSE(deadline.isArmed());
    CHECK_FALSE(deadline.expired());
    deadline.arm(60ms);
    CHECK(deadline.isArmed());
    CHECK_FALSE(deadline.expired());
    CHECK(deadline.remaining() > 0ms);
    CHECK(deadline.remaining() <= 60ms);
    // Sleeping (not running the event loop) is what a suspended laptop looks like to timers.
    std::this_thread::sleep_for(80ms);
    CHECK(deadline.expired());
    CHECK(deadline.remaining() == 0ms);
    deadline.arm(10s); // a ping re-arms it
    CHECK_FALSE(deadline.expired());
    deadline.disarm();
    CHECK_FALSE(deadline.expired());
}

TEST_CASE("ConnectionConfig builds the Engine.IO v4 WebSocket URL", "[config]")
{
    ConnectionConfig config;
    config.serverUrl = QUrl(QStringLiteral("http://crm.example:8787"));
    CHECK(config.socketUrl().toString() ==
          QStringLiteral("ws://crm.example:8787/socket.io/?EIO=4&transport=websocket"));
    config.serverUrl = QUrl(QStringLiteral("https://crm.example"));
    CHECK(config.socketUrl().scheme() == QStringLiteral("wss"));
    config.serverUrl = QUrl(QStringLiteral("ws://127.0.0.1:1"));
    CHECK(config.socketUrl().scheme() == QStringLiteral("ws"));
}
