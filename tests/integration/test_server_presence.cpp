// crm-server presence, record rooms, rate limiting, the socket cap and /metrics.
#include "server/sync/tokenbucket.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace crm;
using namespace std::chrono_literals;
using test::Agent;
using test::newId;
using test::Server;
using test::waitUntil;

namespace {

QJsonObject ack(Agent& agent, const QString& event, const QJsonObject& payload)
{
    std::optional<AckOutcome> outcome;
    agent.manager.emitWithAck(event, {payload}, [&](const AckOutcome& o) { outcome = o; });
    REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    REQUIRE(outcome->ok());
    return outcome->args.first().toObject();
}

// The newest presence:update an agent heard about `userId`.
QJsonObject presenceOf(const Agent& agent, const QString& userId)
{
    for (auto it = agent.events.rbegin(); it != agent.events.rend(); ++it) {
        if (it->first == QStringLiteral("presence:update") &&
            it->second.value(QStringLiteral("userId")) == userId)
            return it->second;
    }
    return {};
}

QString createEscrow(Agent& agent)
{
    const QString id = newId();
    REQUIRE(agent.create(id, {{QStringLiteral("number"), QStringLiteral("ESC-9")}})
                .value(QStringLiteral("status")) == QStringLiteral("applied"));
    return id;
}

} // namespace

TEST_CASE("TokenBucket allows bursts, refills over time, never exceeds capacity",
          "[server][ratelimit]")
{
    TokenBucket bucket(3, 2);
    const auto t0 = TokenBucket::Clock::now();
    CHECK(bucket.take(t0));
    CHECK(bucket.take(t0));
    CHECK(bucket.take(t0));
    CHECK_FALSE(bucket.take(t0));
    CHECK(bucket.take(t0 + 500ms)); // one token back after half a second at 2/s
    CHECK_FALSE(bucket.take(t0 + 500ms));
    CHECK(bucket.available(t0 + 1h) == Approx(3));
}

TEST_CASE("Presence: snapshot on connect, updates after, aggregated per user, gone at once",
          "[server][presence]")
{
    Server s;
    Agent ana(s, s.ana, QStringLiteral("ana-1")), ben(s, s.ben, QStringLiteral("ben-1")),
        benLaptop(s, s.ben, QStringLiteral("ben-2"));
    ana.connect();
    ben.connect();
    REQUIRE(ben.has(QStringLiteral("presence:snapshot")));
    const auto snapshot =
        ben.last(QStringLiteral("presence:snapshot")).value(QStringLiteral("users")).toArray();
    CHECK(snapshot.size() == 2); // ana and ben himself
    REQUIRE(waitUntil([&] {
        return presenceOf(ana, s.ben.userId).value(QStringLiteral("status")) ==
               QStringLiteral("online");
    }));

    benLaptop.connect();
    REQUIRE(waitUntil([&] {
        return presenceOf(ana, s.ben.userId).value(QStringLiteral("sessions")).toInt() == 2;
    }));
    ack(ben, QStringLiteral("presence:set"), {{QStringLiteral("status"), QStringLiteral("away")}});
    ack(benLaptop, QStringLiteral("presence:set"),
        {{QStringLiteral("status"), QStringLiteral("busy")}});
    REQUIRE(waitUntil([&] {
        return presenceOf(ana, s.ben.userId).value(QStringLiteral("status")) ==
               QStringLiteral("busy");
    }));
    CHECK(ack(ben, QStringLiteral("presence:set"),
              {{QStringLiteral("status"), QStringLiteral("asleep")}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("bad_status"));

    // Closing one window keeps Ben online; closing the last takes him offline at once.
    benLaptop.manager.stop();
    REQUIRE(waitUntil([&] {
        return presenceOf(ana, s.ben.userId).value(QStringLiteral("sessions")).toInt() == 1;
    }));
    CHECK(presenceOf(ana, s.ben.userId).value(QStringLiteral("status")) == QStringLiteral("away"));
    ben.manager.stop();
    REQUIRE(waitUntil(
        [&] {
            return presenceOf(ana, s.ben.userId).value(QStringLiteral("status")) ==
                   QStringLiteral("offline");
        },
        2s));
}

TEST_CASE("Record rooms: who views and who edits, never leaking another team's records",
          "[server][presence]")
{
    Server s;
    Agent ana(s, s.ana, QStringLiteral("ana-1")), ben(s, s.ben, QStringLiteral("ben-1")),
        cleo(s, s.cleo, QStringLiteral("cleo-1"));
    for (Agent* a : {&ana, &ben, &cleo})
        a->connect();
    const QString id = createEscrow(ana);

    auto first =
        ack(ana, QStringLiteral("record:subscribe"),
            {{QStringLiteral("module"), QStringLiteral("escrows")}, {QStringLiteral("id"), id}});
    CHECK(first.value(QStringLiteral("viewers")).toArray().isEmpty());
    auto second =
        ack(ben, QStringLiteral("record:subscribe"),
            {{QStringLiteral("module"), QStringLiteral("escrows")}, {QStringLiteral("id"), id}});
    REQUIRE(second.value(QStringLiteral("viewers")).toArray().size() == 1);
    CHECK(second.value(QStringLiteral("viewers"))
              .toArray()[0]
              .toObject()
              .value(QStringLiteral("userId")) == s.ana.userId);

    CHECK(ack(ana, QStringLiteral("presence:editing"),
              {{QStringLiteral("field"), QStringLiteral("purchasePrice")}})
              .value(QStringLiteral("status")) == QStringLiteral("ok"));
    REQUIRE(waitUntil([&] {
        return !presenceOf(ben, s.ana.userId).value(QStringLiteral("editing")).toArray().isEmpty();
    }));
    const auto editing =
        presenceOf(ben, s.ana.userId).value(QStringLiteral("editing")).toArray()[0].toObject();
    CHECK(editing.value(QStringLiteral("field")) == QStringLiteral("purchasePrice"));
    CHECK(editing.value(QStringLiteral("id")) == id);

    // Cleo (other team) sees Ana online but not what she is looking at; she cannot join the room.
    REQUIRE(waitUntil([&] {
        return presenceOf(cleo, s.ana.userId).value(QStringLiteral("status")) ==
               QStringLiteral("online");
    }));
    CHECK(presenceOf(cleo, s.ana.userId).value(QStringLiteral("viewing")).toArray().isEmpty());
    CHECK(presenceOf(cleo, s.ana.userId).value(QStringLiteral("editing")).toArray().isEmpty());
    CHECK(ack(cleo, QStringLiteral("record:subscribe"),
              {{QStringLiteral("module"), QStringLiteral("escrows")}, {QStringLiteral("id"), id}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("not_found"));
    CHECK(ack(cleo, QStringLiteral("presence:editing"),
              {{QStringLiteral("field"), QStringLiteral("status")}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("not_subscribed"));
    CHECK(ack(ana, QStringLiteral("presence:editing"),
              {{QStringLiteral("field"), QStringLiteral("hullColour")}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("unknown_field"));
}

TEST_CASE("Rate limit: a flooding socket is told and disconnected, others carry on",
          "[server][ratelimit]")
{
    test::Server s(std::chrono::seconds(900), SyncHub::Options{10, 20, 5, 100ms});
    Agent flood(s, s.ana, QStringLiteral("ana-1")), calm(s, s.ben, QStringLiteral("ben-1"));
    flood.connect();
    calm.connect();
    for (int i = 0; i < 40; ++i)
        flood.manager.emitEvent(QStringLiteral("echo"), {i});
    REQUIRE(waitUntil([&] { return flood.has(QStringLiteral("rate:limited")); }));
    REQUIRE(waitUntil([&] { return flood.manager.state() != ConnectionState::Online; }));
    CHECK(flood.manager.lastError().contains(QStringLiteral("ended the session")));
    std::optional<AckOutcome> echo;
    calm.manager.emitWithAck(QStringLiteral("echo"), {1}, [&](const AckOutcome& o) { echo = o; });
    REQUIRE(waitUntil([&] { return echo.has_value(); }));
    CHECK(echo->ok());
}

TEST_CASE("Socket cap: the user's next socket beyond the cap is refused with a clear reason",
          "[server][ratelimit]")
{
    test::Server s(std::chrono::seconds(900), SyncHub::Options{2, 100, 50, 100ms});
    Agent one(s, s.ana, QStringLiteral("a1")), two(s, s.ana, QStringLiteral("a2")),
        three(s, s.ana, QStringLiteral("a3"));
    one.connect();
    two.connect();
    QJsonObject refusal;
    QObject::connect(&three.manager, &ConnectionManager::connectErrorReceived, &three.manager,
                     [&](const QString&, const QJsonObject& data) { refusal = data; });
    three.manager.start();
    REQUIRE(waitUntil([&] { return !refusal.isEmpty(); }));
    CHECK(refusal.value(QStringLiteral("code")) == QStringLiteral("too_many_connections"));
    CHECK(three.manager.state() != ConnectionState::AuthRequired); // retried later, not signed out
    Agent other(s, s.ben, QStringLiteral("b1"));
    other.connect(); // another user is not affected
}

TEST_CASE("/metrics speaks the Prometheus text format", "[server][metrics]")
{
    Server s;
    Agent ana(s, s.ana, QStringLiteral("ana-1"));
    ana.connect();
    createEscrow(ana);
    QNetworkAccessManager network;
    QNetworkReply* reply =
        network.get(QNetworkRequest(QUrl(s.url().toString() + QStringLiteral("/metrics"))));
    REQUIRE(waitUntil([&] { return reply->isFinished(); }));
    const QString text = QString::fromUtf8(reply->readAll());
    reply->deleteLater();
    CHECK(reply->header(QNetworkRequest::ContentTypeHeader)
              .toString()
              .startsWith(QStringLiteral("text/plain")));
    CHECK(text.contains(QStringLiteral("# TYPE crm_mutations_total counter")));
    CHECK(text.contains(QStringLiteral("crm_mutations_total{status=\"applied\"} 1\n")));
    CHECK(text.contains(QStringLiteral("crm_connections 1\n")));
    CHECK(text.contains(QStringLiteral("crm_fanout_seconds_count 1\n")));
    CHECK(text.contains(QStringLiteral("crm_events_in_total 1\n")));
}
