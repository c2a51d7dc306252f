// ConnectionManager against the real Socket.IO endpoint on 127.0.0.1:0, made to misbehave.
#include "realtime/connectionmanager.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/testsocketioserver.h"

#include <catch2/catch.hpp>
#include <QSignalSpy>
#include <QTcpServer>
#include <thread>

using namespace crm;
using namespace std::chrono_literals;
using test::TestSocketIoServer;
using test::waitUntil;

namespace {

// A client whose auth provider hands out a token and counts how often it was asked.
struct Client
{
    explicit Client(const QUrl& url, ConnectionConfig config = {})
        : manager(config.serverUrl.isEmpty() ? test::fastConnectionConfig(url) : config)
    {
        manager.setAuthProvider([this] {
            ++authAsked;
            return QJsonObject{{QStringLiteral("token"), token},
                               {QStringLiteral("clientId"), QStringLiteral("client-1")},
                               {QStringLiteral("since"), 41}};
        });
        QObject::connect(&manager, &ConnectionManager::stateChanged, &manager,
                         [this](ConnectionState state, const QString&) { states.append(state); });
    }

    bool waitFor(ConnectionState state, std::chrono::milliseconds timeout = 10s)
    {
        return waitUntil([&] { return manager.state() == state; }, timeout);
    }

    ConnectionManager manager;
    QString token = QStringLiteral("good-token");
    int authAsked = 0;
    QList<ConnectionState> states;
};

// A server on 127.0.0.1:0 and a client already Online with it.
struct LiveLink
{
    static QUrl listening(TestSocketIoServer& server)
    {
        REQUIRE(server.listen());
        return server.url();
    }
    LiveLink() : client(listening(server))
    {
        client.manager.start();
        REQUIRE(client.waitFor(ConnectionState::Online));
    }

    TestSocketIoServer server;
    Client client;
};

AckOutcome emitAndWait(ConnectionManager& manager, const QString& event, const QJsonArray& args,
                       std::chrono::milliseconds timeout = 3s)
{
    std::optional<AckOutcome> outcome;
    manager.emitWithAck(
        event, args, [&](const AckOutcome& o) { outcome = o; }, timeout);
    REQUIRE(waitUntil([&] { return outcome.has_value(); }, timeout + 5s));
    return *outcome;
}

} // namespace

TEST_CASE("Connects, authenticates with the provider's payload and goes Online", "[connection]")
{
    LiveLink link;
    auto& server = link.server;
    auto& client = link.client;

    CHECK(client.states.mid(0, 3) == QList<ConnectionState>{ConnectionState::Connecting,
                                                            ConnectionState::Authenticating,
                                                            ConnectionState::Online});
    CHECK(client.authAsked == 1);
    REQUIRE(server.authPayloads().size() == 1);
    CHECK(server.authPayloads()[0].value(QStringLiteral("clientId")) == QStringLiteral("client-1"));
    CHECK(server.authPayloads()[0].value(QStringLiteral("since")).toInt() == 41);
    REQUIRE(server.lastSession());
    CHECK(client.manager.sessionId() == server.lastSession()->sid());
    CHECK(client.manager.handshake().pingIntervalMs == 200);
}

TEST_CASE("Events and acks flow both ways", "[connection]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    Client client(server.url());
    QList<QPair<QString, QJsonArray>> received;
    QObject::connect(&client.manager, &ConnectionManager::eventReceived, &client.manager,
                     [&](const QString& event, const QJsonArray& args, const AckResponder& ack) {
                         received.append({event, args});
                         if (ack.isRequested()) {
                             CHECK(ack.respond({QStringLiteral("thanks"), args.first()}));
                             CHECK_FALSE(ack.respond({})); // only once
                         }
                     });
    QSignalSpy latency(&client.manager, &ConnectionManager::latencyMeasured);
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Online));

    SECTION("client to server, with and without ack")
    {
        CHECK(client.manager.emitEvent(QStringLiteral("note"), {1, QStringLiteral("two")}));
        const auto outcome =
            emitAndWait(client.manager, QStringLiteral("echo"),
                        {QJsonObject{{QStringLiteral("price"), 1250000}}, QStringLiteral("é")});
        REQUIRE(outcome.ok());
        CHECK(outcome.args.size() == 2);
        CHECK(outcome.args[0].toObject().value(QStringLiteral("price")).toInt() == 1250000);
        CHECK(outcome.args[1] == QStringLiteral("é"));
        CHECK(server.eventNames() == QStringList{QStringLiteral("note"), QStringLiteral("echo")});
        CHECK(latency.count() >= 2); // the CONNECT round trip and the ack
    }
    SECTION("server to client, with and without ack")
    {
        server.lastSession()->emitEvent(QStringLiteral("listing:updated"), {QStringLiteral("l1")});
        std::optional<AckOutcome> answer;
        server.lastSession()->emitWithAck(
            QStringLiteral("question"), {42}, [&](const AckOutcome& o) { answer = o; }, 3s);
        REQUIRE(waitUntil([&] { return answer.has_value(); }));
        REQUIRE(answer->ok());
        CHECK(answer->args == QJsonArray{QStringLiteral("thanks"), 42});
        REQUIRE(received.size() == 2);
        CHECK(received[0].first == QStringLiteral("listing:updated"));
        CHECK(received[1].first == QStringLiteral("question"));
    }
}

TEST_CASE("An unanswered emit times out, the link stays up", "[connection][acks]")
{
    LiveLink link;
    auto& client = link.client;
    const auto outcome = emitAndWait(client.manager, QStringLiteral("no-answer"), {}, 150ms);
    CHECK(outcome.status == AckOutcome::Status::TimedOut);
    CHECK(client.manager.state() == ConnectionState::Online);
    CHECK(client.manager.pendingAckCount() == 0);
}

TEST_CASE("A link closed mid-ack fails the ack as Disconnected, then reconnects with fresh auth",
          "[connection][acks][reconnect]")
{
    LiveLink link;
    auto& server = link.server;
    auto& client = link.client;

    std::optional<AckOutcome> first;
    std::optional<AckOutcome> second;
    client.manager.emitWithAck(QStringLiteral("no-answer"), {},
                               [&](const AckOutcome& o) { first = o; });
    client.manager.emitWithAck(QStringLiteral("close-mid-ack"), {},
                               [&](const AckOutcome& o) { second = o; });
    REQUIRE(waitUntil([&] { return first && second; }));
    CHECK(first->status == AckOutcome::Status::Disconnected);
    CHECK(second->status == AckOutcome::Status::Disconnected);
    CHECK_FALSE(second->error.isEmpty());

    REQUIRE(client.waitFor(ConnectionState::Online));
    CHECK(client.states.contains(ConnectionState::Reconnecting));
    CHECK(client.authAsked == 2);
    // Nothing was resent behind the caller's back: the server saw each event once.
    CHECK(server.eventNames() ==
          QStringList{QStringLiteral("no-answer"), QStringLiteral("close-mid-ack")});
}

TEST_CASE("A silent server is detected by the ping deadline", "[connection][heartbeat]")
{
    LiveLink link;
    auto& server = link.server;
    auto& client = link.client;

    SECTION("the heartbeat timer notices")
    {
        // The server stops pinging but keeps the TCP connection open: only the deadline
        // (pingInterval + pingTimeout = 400 ms) can tell.
        server.lastSession()->setFrozen(true);
        REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
        CHECK(client.manager.lastError().contains(QStringLiteral("No ping")));
        REQUIRE(client.waitFor(ConnectionState::Online));
    }
    SECTION("a send after a suspend is refused before it reaches the dead socket")
    {
        server.lastSession()->setFrozen(true);
        // Block the event loop past the deadline, as a suspended laptop does: no timer can fire.
        std::this_thread::sleep_for(600ms);
        CHECK(client.manager.state() == ConnectionState::Online); // nothing noticed yet
        CHECK_FALSE(client.manager.emitEvent(QStringLiteral("late"), {}));
        CHECK(client.manager.state() == ConnectionState::Reconnecting);
        std::optional<AckOutcome> outcome;
        client.manager.emitWithAck(QStringLiteral("late-ack"), {},
                                   [&](const AckOutcome& o) { outcome = o; });
        CHECK_FALSE(outcome.has_value()); // never called from inside the emit
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
        CHECK(outcome->status == AckOutcome::Status::NotSent);
        CHECK(outcome->error.contains(QStringLiteral("Not connected")));
        REQUIRE(client.waitFor(ConnectionState::Online));
    }
}

TEST_CASE("Garbage from the server drops the link with a protocol error and recovers",
          "[connection][robustness]")
{
    LiveLink link;
    auto& server = link.server;
    auto& client = link.client;

    const auto garbage = GENERATE(
        as<QString>{}, QStringLiteral("9nonsense"), QStringLiteral("42[\"x\","),
        QStringLiteral("42{\"not\":\"array\"}"), QStringLiteral("42[\"connect\"]"),
        QStringLiteral(""), QStringLiteral("451-[\"bin\",{\"_placeholder\":true,\"num\":0}]"));
    INFO(garbage.toStdString());
    server.lastSession()->sendRawFrame(garbage);
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    CHECK(client.manager.lastError().startsWith(QStringLiteral("Protocol error")));
    REQUIRE(client.waitFor(ConnectionState::Online));
}

TEST_CASE("Refused credentials stop the retries until new ones are given", "[connection][auth]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    Client client(server.url());
    client.token = QStringLiteral("wrong");
    QSignalSpy errors(&client.manager, &ConnectionManager::connectErrorReceived);
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::AuthRequired));
    REQUIRE(errors.count() == 1);
    CHECK(errors.at(0).at(1).toJsonObject().value(QStringLiteral("code")) ==
          QStringLiteral("auth_invalid"));
    CHECK(client.manager.reason().contains(QStringLiteral("invalid token")));

    test::spin(700ms); // several backoff periods: no retry may happen
    CHECK(server.sessionsOpened() == 1);
    CHECK(client.manager.state() == ConnectionState::AuthRequired);

    client.token = QStringLiteral("good-token");
    client.manager.reconnectNow();
    REQUIRE(client.waitFor(ConnectionState::Online));
    CHECK(client.authAsked == 2);
}

TEST_CASE("A refusal that is not about credentials is retried with backoff", "[connection][auth]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    server.setRefusal(QStringLiteral("server busy"), QStringLiteral("server_busy"));
    Client client(server.url());
    QSignalSpy scheduled(&client.manager, &ConnectionManager::reconnectScheduled);
    client.manager.start();
    REQUIRE(waitUntil([&] { return scheduled.count() >= 3; }));
    CHECK(client.manager.state() != ConnectionState::AuthRequired);
    CHECK(scheduled.at(0).at(0).toInt() == 1);
    CHECK(scheduled.at(1).at(0).toInt() == 2);
    CHECK(scheduled.at(2).at(0).toInt() == 3);
    server.setRefusal({}, {});
    REQUIRE(client.waitFor(ConnectionState::Online));
}

TEST_CASE("A server restart is survived: new session id, auth asked again",
          "[connection][reconnect]")
{
    LiveLink link;
    auto& server = link.server;
    auto& client = link.client;
    const QString firstSid = client.manager.sessionId();

    server.shutDown();
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    test::spin(300ms); // a few failed attempts against a closed port
    CHECK(client.manager.attempt() >= 2);
    REQUIRE(server.restart());
    REQUIRE(client.waitFor(ConnectionState::Online));
    CHECK(client.manager.sessionId() != firstSid);
    CHECK(client.authAsked == 2);
}

TEST_CASE("A restarted server is found by the probe long before the backoff runs out",
          "[connection][reconnect][probe]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    // A backoff no test waits out: only the probe can bring the link back in time.
    auto config = test::fastConnectionConfig(server.url());
    config.backoffBase = 60s;
    config.backoffCap = 60s;
    config.backoffSeed = 3; // first draw far from zero
    config.probeInterval = 300ms;
    Client slow(server.url(), config);
    QSignalSpy scheduled(&slow.manager, &ConnectionManager::reconnectScheduled);
    QSignalSpy probes(&slow.manager, &ConnectionManager::probed);
    slow.manager.start();
    REQUIRE(slow.waitFor(ConnectionState::Online));

    server.shutDown(); // as a killed process: every connection reset, the port closed
    REQUIRE(slow.waitFor(ConnectionState::Reconnecting, 5s));
    REQUIRE(slow.manager.msUntilReconnect() > 20000);
    // The probe sees the server gone before it comes back.
    REQUIRE(waitUntil([&] { return probes.count() >= 2; }));
    CHECK_FALSE(probes.first().at(0).toBool());
    REQUIRE(server.restart());
    REQUIRE(slow.waitFor(ConnectionState::Online, 10s));
    CHECK(probes.last().at(0).toBool());
    // Live again on the first and only scheduled retry, whose 20 s and more never ran out.
    CHECK(scheduled.count() == 1);
    CHECK(slow.manager.msUntilReconnect() == -1);
}

TEST_CASE("A server that answers TCP but refuses is not hammered by the probe",
          "[connection][reconnect][probe]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.backoffBase = 60s;
    config.backoffCap = 60s;
    config.backoffSeed = 3;
    config.probeInterval = 100ms;
    Client client(server.url(), config);
    QSignalSpy probes(&client.manager, &ConnectionManager::probed);
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Online));
    const int opened = server.sessionsOpened();

    server.setRefusal(QStringLiteral("server busy"), QStringLiteral("server_busy"));
    server.lastSession()->abort();
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    // Many successful probes: the port answers all along, so none of them means "back again".
    REQUIRE(waitUntil([&] { return probes.count() >= 8; }));
    for (const auto& probe : probes)
        CHECK(probe.at(0).toBool());
    CHECK(server.sessionsOpened() == opened);
    CHECK(client.manager.state() == ConnectionState::Reconnecting);
    CHECK(client.manager.attempt() == 1);
}

TEST_CASE("Reconnect now cuts a long wait short", "[connection][reconnect]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.backoffBase = 60s;
    config.backoffCap = 60s;
    config.backoffSeed = 3; // first draw far from zero
    Client client(server.url(), config);
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Online));
    server.lastSession()->abort();
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    CHECK(client.manager.msUntilReconnect() > 1000);
    client.manager.reconnectNow();
    REQUIRE(client.waitFor(ConnectionState::Online, 5s));
}

TEST_CASE("Without an answer the retry counter resets only after the link stayed up a while",
          "[connection][reconnect]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.stableAfter = 500ms;
    Client client(server.url(), config);
    QSignalSpy scheduled(&client.manager, &ConnectionManager::reconnectScheduled);
    client.manager.start();

    // Three drops right after connecting: the attempt number keeps growing.
    for (int drop = 1; drop <= 3; ++drop) {
        REQUIRE(client.waitFor(ConnectionState::Online));
        server.lastSession()->abort();
        REQUIRE(waitUntil([&] { return scheduled.count() == drop; }));
        CHECK(scheduled.last().at(0).toInt() == drop);
    }
    // Then a link that stays up past stableAfter: the next drop starts from attempt 1 again.
    REQUIRE(client.waitFor(ConnectionState::Online));
    test::spin(800ms);
    server.lastSession()->abort();
    REQUIRE(waitUntil([&] { return scheduled.count() == 4; }));
    CHECK(scheduled.last().at(0).toInt() == 1);
}

TEST_CASE("An answered request proves the link: the next drop starts from the base delay",
          "[connection][reconnect]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.stableAfter = 60s; // never reached here: only the answer can reset the counter
    Client client(server.url(), config);
    QSignalSpy scheduled(&client.manager, &ConnectionManager::reconnectScheduled);
    client.manager.start();
    for (int drop = 1; drop <= 3; ++drop) {
        REQUIRE(client.waitFor(ConnectionState::Online));
        server.lastSession()->abort();
        REQUIRE(waitUntil([&] { return scheduled.count() == drop; }));
    }
    REQUIRE(client.waitFor(ConnectionState::Online));
    std::optional<AckOutcome> answer;
    client.manager.emitWithAck(QStringLiteral("echo"), {1},
                               [&](const AckOutcome& outcome) { answer = outcome; });
    REQUIRE(waitUntil([&] { return answer.has_value(); }));
    REQUIRE(answer->ok());
    CHECK(client.manager.attempt() == 0);
    server.lastSession()->abort();
    REQUIRE(waitUntil([&] { return scheduled.count() == 4; }));
    CHECK(scheduled.last().at(0).toInt() == 1);
}

TEST_CASE("Waking from sleep retries at once instead of waiting out the backoff",
          "[connection][reconnect]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.backoffBase = 60s;
    config.backoffCap = 60s;
    config.backoffSeed = 3;
    config.detectResume = true;
    config.resumeCheckInterval = 100ms;
    Client client(server.url(), config);
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Online));
    server.lastSession()->abort();
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    REQUIRE(client.manager.msUntilReconnect() > 1000);

    // Nothing runs while the process is blocked, as when the laptop lid is closed; the wall
    // clock moves on. On the next tick the manager notices the gap and tries right away.
    std::this_thread::sleep_for(600ms);
    REQUIRE(client.waitFor(ConnectionState::Online, 3s));
}

TEST_CASE("A server-side DISCONNECT is followed by a reconnect", "[connection][reconnect]")
{
    LiveLink link;
    auto& client = link.client;
    CHECK(client.manager.emitEvent(QStringLiteral("kick")));
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    CHECK(client.manager.lastError().contains(QStringLiteral("ended the session")));
    REQUIRE(client.waitFor(ConnectionState::Online));
}

TEST_CASE("Emits while not online: acks fail as NotSent, ephemeral ones wait bounded",
          "[connection][ephemeral]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.ephemeralCapacity = 3;
    Client client(server.url(), config);

    CHECK_FALSE(client.manager.emitEvent(QStringLiteral("note")));
    std::optional<AckOutcome> outcome;
    client.manager.emitWithAck(QStringLiteral("echo"), {},
                               [&](const AckOutcome& o) { outcome = o; });
    REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    CHECK(outcome->status == AckOutcome::Status::NotSent);

    QSignalSpy dropped(&client.manager, &ConnectionManager::ephemeralDropped);
    client.manager.emitEphemeral(QStringLiteral("presence:set"), {QStringLiteral("away")},
                                 QStringLiteral("status"));
    client.manager.emitEphemeral(QStringLiteral("viewing"), {QStringLiteral("escrow/1")});
    client.manager.emitEphemeral(QStringLiteral("presence:set"), {QStringLiteral("busy")},
                                 QStringLiteral("status"));
    client.manager.emitEphemeral(QStringLiteral("viewing"), {QStringLiteral("escrow/2")});
    client.manager.emitEphemeral(QStringLiteral("viewing"), {QStringLiteral("escrow/3")});
    CHECK(client.manager.bufferedEphemeralCount() == 3);
    CHECK(client.manager.droppedEphemeralCount() == 1);
    CHECK(dropped.count() == 1);

    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Online));
    REQUIRE(waitUntil([&] { return server.events().size() == 3; }));
    // The coalesced status went out once, with its newest value; the oldest "viewing" was dropped.
    CHECK(server.events()[0].args == QJsonArray{QStringLiteral("busy")});
    CHECK(server.events()[1].args == QJsonArray{QStringLiteral("escrow/2")});
    CHECK(server.events()[2].args == QJsonArray{QStringLiteral("escrow/3")});
    CHECK(client.manager.bufferedEphemeralCount() == 0);
}

TEST_CASE("Oversized and reserved emits are refused without touching the link",
          "[connection][robustness]")
{
    auto options = TestSocketIoServer::fastOptions();
    options.maxPayload = 1024;
    TestSocketIoServer server(options);
    REQUIRE(server.listen());
    Client client(server.url());
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Online));

    const QString big(2000, u'x');
    CHECK_FALSE(client.manager.emitEvent(QStringLiteral("note"), {big}));
    auto outcome = emitAndWait(client.manager, QStringLiteral("echo"), {big});
    CHECK(outcome.status == AckOutcome::Status::NotSent);
    CHECK(outcome.error.contains(QStringLiteral("larger")));
    outcome = emitAndWait(client.manager, QStringLiteral("disconnect"), {});
    CHECK(outcome.status == AckOutcome::Status::NotSent);
    CHECK_FALSE(client.manager.emitEvent(QStringLiteral("connect")));

    CHECK(client.manager.state() == ConnectionState::Online);
    CHECK(emitAndWait(client.manager, QStringLiteral("echo"), {1}).ok());
}

TEST_CASE("An unreachable server is retried with growing backoff, stop ends it", "[connection]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    const QUrl url = server.url();
    server.shutDown(); // a port nobody listens on any more
    Client client(url);
    QSignalSpy scheduled(&client.manager, &ConnectionManager::reconnectScheduled);
    client.manager.start();
    REQUIRE(waitUntil([&] { return scheduled.count() >= 4; }));
    CHECK(client.manager.lastError().startsWith(QStringLiteral("Cannot reach the server")));
    for (int i = 0; i < scheduled.count(); ++i) {
        const auto delay = scheduled.at(i).at(1).toLongLong();
        CHECK(delay >= 0);
        CHECK(delay <= 400);
    }
    client.manager.stop();
    CHECK(client.manager.state() == ConnectionState::Offline);
    const auto count = scheduled.count();
    test::spin(500ms);
    CHECK(scheduled.count() == count);
}

TEST_CASE("Connecting to something that never answers times out and retries", "[connection]")
{
    // A plain TCP listener that accepts and says nothing: the WebSocket handshake never ends.
    QTcpServer silent;
    REQUIRE(silent.listen(QHostAddress::LocalHost));
    auto config = test::fastConnectionConfig(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort())));
    config.connectTimeout = 300ms;
    Client client({}, config);
    client.manager.start();
    REQUIRE(client.waitFor(ConnectionState::Reconnecting, 5s));
    CHECK(client.manager.lastError().contains(QStringLiteral("No answer")));
}
