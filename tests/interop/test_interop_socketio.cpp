// Interop with the stock npm packages: our ConnectionManager against the `socket.io` server,
// and the `socket.io-client` against our endpoint.
#include "realtime/connectionmanager.h"
#include "server/crmserver.h"
#include "server/storage/changelog.h"
#include "server/storage/userdirectory.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/nodepeer.h"
#include "support/testsocketioserver.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUuid>

using namespace crm;
using namespace std::chrono_literals;
using test::NodePeer;
using test::waitUntil;

namespace {

void requireNodePeers()
{
    const QString why = NodePeer::unavailableReason();
    INFO(why.toStdString());
    REQUIRE(why.isEmpty());
}

struct StockServerClient
{
    explicit StockServerClient(quint16 port)
    {
        auto config =
            test::fastConnectionConfig(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        config.backoffBase = 100ms;
        config.backoffCap = 500ms;
        manager = std::make_unique<ConnectionManager>(config);
        manager->setAuthProvider([this] {
            ++authAsked;
            return QJsonObject{{QStringLiteral("token"), token},
                               {QStringLiteral("clientId"), QStringLiteral("qt-client")},
                               {QStringLiteral("since"), 7}};
        });
        QObject::connect(
            manager.get(), &ConnectionManager::eventReceived, manager.get(),
            [this](const QString& event, const QJsonArray& args, const AckResponder& ack) {
                events.append({event, args});
                if (event == QStringLiteral("question"))
                    ack.respond({QJsonObject{{QStringLiteral("answer"), args.first()}}});
            });
    }

    bool waitFor(ConnectionState state, std::chrono::milliseconds timeout = 15s)
    {
        return waitUntil([&] { return manager->state() == state; }, timeout);
    }
    std::optional<QJsonArray> eventArgs(const QString& name) const
    {
        for (const auto& [event, args] : events)
            if (event == name)
                return args;
        return std::nullopt;
    }

    std::unique_ptr<ConnectionManager> manager;
    QString token = QStringLiteral("good-token");
    int authAsked = 0;
    QList<QPair<QString, QJsonArray>> events;
};

} // namespace

TEST_CASE("Stock socket.io server: handshake, auth, events and acks both ways", "[interop]")
{
    requireNodePeers();
    NodePeer peer;
    REQUIRE(peer.startServer({QStringLiteral("--token"), QStringLiteral("good-token")}));
    StockServerClient client(peer.port());
    client.manager->start();
    REQUIRE(client.waitFor(ConnectionState::Online));

    // The server's greeting carries the auth payload it received from us.
    REQUIRE(waitUntil([&] { return client.eventArgs(QStringLiteral("welcome")).has_value(); }));
    const auto welcome = client.eventArgs(QStringLiteral("welcome"))->first().toObject();
    CHECK(welcome.value(QStringLiteral("sid")).toString() == client.manager->sessionId());
    CHECK(welcome.value(QStringLiteral("auth")).toObject().value(QStringLiteral("since")).toInt() ==
          7);

    // Our emit, their ack.
    std::optional<AckOutcome> outcome;
    client.manager->emitWithAck(QStringLiteral("echo"),
                                {QStringLiteral("a"), 2, QJsonObject{{QStringLiteral("k"), true}}},
                                [&](const AckOutcome& o) { outcome = o; });
    REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    REQUIRE(outcome->ok());
    CHECK(outcome->args ==
          QJsonArray{QStringLiteral("a"), 2, QJsonObject{{QStringLiteral("k"), true}}});

    // Their emit with ack, our answer (the server reports what it got back).
    CHECK(client.manager->emitEvent(QStringLiteral("ask"), {QStringLiteral("ready?")}));
    REQUIRE(waitUntil([&] { return client.eventArgs(QStringLiteral("answered")).has_value(); }));
    CHECK(client.eventArgs(QStringLiteral("answered"))
              ->first()
              .toObject()
              .value(QStringLiteral("answer")) == QStringLiteral("ready?"));
}

TEST_CASE("Stock socket.io server: refused auth ends in AuthRequired, other refusals retry",
          "[interop][auth]")
{
    requireNodePeers();
    NodePeer peer;
    REQUIRE(peer.startServer({QStringLiteral("--token"), QStringLiteral("good-token")}));
    StockServerClient client(peer.port());
    QSignalSpy errors(client.manager.get(), &ConnectionManager::connectErrorReceived);

    SECTION("wrong token")
    {
        client.token = QStringLiteral("wrong");
        client.manager->start();
        REQUIRE(client.waitFor(ConnectionState::AuthRequired));
        CHECK(errors.at(0).at(0).toString() == QStringLiteral("not authorized"));
        CHECK(errors.at(0).at(1).toJsonObject().value(QStringLiteral("code")) ==
              QStringLiteral("auth_invalid"));
        test::spin(600ms);
        CHECK(client.authAsked == 1);
    }
    SECTION("expired token, refreshed by the session layer")
    {
        client.token = QStringLiteral("expired");
        client.manager->start();
        REQUIRE(client.waitFor(ConnectionState::AuthRequired));
        CHECK(errors.at(0).at(1).toJsonObject().value(QStringLiteral("code")) ==
              QStringLiteral("auth_expired"));
        client.token = QStringLiteral("good-token");
        client.manager->reconnectNow();
        REQUIRE(client.waitFor(ConnectionState::Online));
    }
    SECTION("busy server")
    {
        client.token = QStringLiteral("busy");
        QSignalSpy scheduled(client.manager.get(), &ConnectionManager::reconnectScheduled);
        client.manager->start();
        REQUIRE(waitUntil([&] { return scheduled.count() >= 2; }));
        CHECK(client.manager->state() != ConnectionState::AuthRequired);
    }
}

TEST_CASE("Stock socket.io server: fast pings are answered, the link stays up",
          "[interop][heartbeat]")
{
    requireNodePeers();
    NodePeer peer;
    REQUIRE(peer.startServer({QStringLiteral("--token"), QStringLiteral("good-token"),
                              QStringLiteral("--ping-interval"), QStringLiteral("100"),
                              QStringLiteral("--ping-timeout"), QStringLiteral("100")}));
    StockServerClient client(peer.port());
    QSignalSpy states(client.manager.get(), &ConnectionManager::stateChanged);
    client.manager->start();
    REQUIRE(client.waitFor(ConnectionState::Online));
    CHECK(client.manager->handshake().pingIntervalMs == 100);
    const auto transitions = states.count();
    // Fifteen ping periods: the server closes any client that misses a pong by 100 ms.
    test::spin(1500ms);
    CHECK(client.manager->state() == ConnectionState::Online);
    CHECK(states.count() == transitions);
}

TEST_CASE("Stock socket.io server killed and restarted: the client comes back",
          "[interop][reconnect]")
{
    requireNodePeers();
    auto peer = std::make_unique<NodePeer>();
    REQUIRE(peer->startServer({QStringLiteral("--token"), QStringLiteral("good-token")}));
    const quint16 port = peer->port();
    StockServerClient client(port);
    QSignalSpy scheduled(client.manager.get(), &ConnectionManager::reconnectScheduled);
    client.manager->start();
    REQUIRE(client.waitFor(ConnectionState::Online));
    const QString firstSid = client.manager->sessionId();

    peer->kill(); // SIGKILL: no close frame, the OS resets the connection
    REQUIRE(client.waitFor(ConnectionState::Reconnecting));
    REQUIRE(waitUntil([&] { return scheduled.count() >= 3; })); // backing off against a dead port
    for (int i = 1; i < scheduled.count(); ++i)
        CHECK(scheduled.at(i).at(0).toInt() == scheduled.at(i - 1).at(0).toInt() + 1);

    peer = std::make_unique<NodePeer>();
    REQUIRE(peer->startServer({QStringLiteral("--token"), QStringLiteral("good-token")}, port));
    REQUIRE(client.waitFor(ConnectionState::Online));
    CHECK(client.manager->sessionId() != firstSid);
    // Attempts against the dead port never got as far as the handshake: auth was asked once
    // per real session, each time afresh.
    CHECK(client.authAsked == 2);
}

TEST_CASE("Stock socket.io-client against our endpoint", "[interop][server]")
{
    requireNodePeers();
    test::TestSocketIoServer server;
    REQUIRE(server.listen());
    std::optional<AckOutcome> helloAck;
    QObject::connect(server.endpoint(), &SocketIoServer::sessionConnected, &server,
                     [&](SocketIoServerSession* session) {
                         session->emitWithAck(
                             QStringLiteral("hello"), {QStringLiteral("welcome")},
                             [&](const AckOutcome& o) { helloAck = o; }, 5s);
                     });

    SECTION("connects, emits with ack, answers our ack")
    {
        const auto run = NodePeer::runClient(server.url().toString(), QStringLiteral("good-token"));
        INFO(run.stderrText.toStdString());
        REQUIRE(run.exitCode == 0);
        CHECK(run.result.value(QStringLiteral("connected")).toBool());
        CHECK(run.result.value(QStringLiteral("echo")).toArray() ==
              QJsonArray{QJsonObject{{QStringLiteral("n"), 1}}, QStringLiteral("two"),
                         QJsonArray{3}});
        CHECK(run.result.value(QStringLiteral("hello")) == QStringLiteral("welcome"));
        REQUIRE(helloAck.has_value());
        REQUIRE(helloAck->ok());
        CHECK(helloAck->args.first().toObject().value(QStringLiteral("fromClient")) ==
              QStringLiteral("npm"));
        REQUIRE(server.authPayloads().size() == 1);
        CHECK(server.authPayloads()[0].value(QStringLiteral("clientId")) ==
              QStringLiteral("npm-client"));
    }
    SECTION("refused credentials reach the client as connect_error with data")
    {
        const auto run = NodePeer::runClient(server.url().toString(), QStringLiteral("nope"));
        REQUIRE(run.exitCode == 2);
        const auto error = run.result.value(QStringLiteral("connectError")).toObject();
        CHECK(error.value(QStringLiteral("message")) == QStringLiteral("invalid token"));
        CHECK(error.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")) ==
              QStringLiteral("auth_invalid"));
    }
}

TEST_CASE("Stock socket.io-client speaks crm-server's sync protocol", "[interop][server][sync]")
{
    requireNodePeers();
    QTemporaryDir dir;
    CrmServer server;
    CrmServerOptions options;
    options.dataDir = dir.path();
    options.port = 0;
    QString error;
    REQUIRE(server.open(options, &error));
    REQUIRE(server.listen(&error));
    const QString brokerage = server.users().addBrokerage(QStringLiteral("Harbor Realty"));
    const QString team = server.users().addTeam(brokerage, QStringLiteral("North"));
    const auto id = server.users().addUser(brokerage, team, QStringLiteral("npm@harbor.test"),
                                           QStringLiteral("Npm Agent"), Identity::Role::Agent,
                                           QStringLiteral("long enough password"), &error);
    REQUIRE(id);
    const QString token = server.tokens().issue(server.users().findById(*id)->identity).accessToken;
    const QString recordId = QUuid::createUuid().toString(QUuid::WithoutBraces);

    const auto run = NodePeer::runScript(QStringLiteral("sync-client.js"),
                                         {QStringLiteral("http://127.0.0.1:%1").arg(server.port()),
                                          token, QStringLiteral("npm-1"), recordId});
    INFO(run.stderrText.toStdString());
    INFO(QJsonDocument(run.result).toJson().toStdString());
    REQUIRE(run.exitCode == 0);
    CHECK(run.result.value(QStringLiteral("caughtUpAt")).toInt() == 0);
    CHECK(run.result.value(QStringLiteral("applied")).toObject().value(QStringLiteral("status")) ==
          QStringLiteral("applied"));
    CHECK(
        run.result.value(QStringLiteral("duplicate")).toObject().value(QStringLiteral("status")) ==
        QStringLiteral("duplicate"));
    const auto event = run.result.value(QStringLiteral("event")).toObject();
    CHECK(event.value(QStringLiteral("id")) == recordId);
    CHECK(event.value(QStringLiteral("seq")).toInt() == 1);
    CHECK(event.value(QStringLiteral("clientId")) == QStringLiteral("npm-1"));
    CHECK(server.changeLog().lastSeq(brokerage) == 1); // applied once
}

TEST_CASE("crm-cli raw probes a stock socket.io server", "[interop][cli]")
{
    requireNodePeers();
    NodePeer peer;
    REQUIRE(peer.startServer({QStringLiteral("--token"), QStringLiteral("good-token")}));
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(peer.port());
    auto raw = [&](const QStringList& args) {
        QProcess process;
        process.start(QStringLiteral(CRM_CLI_PATH),
                      QStringList{QStringLiteral("raw"), QStringLiteral("--url"), url,
                                  QStringLiteral("--timeout"), QStringLiteral("5")} +
                          args);
        REQUIRE(process.waitForStarted());
        REQUIRE(waitUntil([&] { return process.state() == QProcess::NotRunning; }, 30s));
        return std::make_pair(process.exitCode(), process.readAllStandardOutput());
    };
    // Our emit with the stock server's ack, printed as a JSON line.
    auto [status, out] =
        raw({QStringLiteral("--auth"), QStringLiteral(R"({"token":"good-token"})"),
             QStringLiteral("--emit"), QStringLiteral("echo"), QStringLiteral(R"({"probe":1})")});
    INFO(out.toStdString());
    CHECK(status == 0);
    CHECK(out.contains(R"("event":"welcome")"));
    CHECK(out.contains(R"({"ack":[{"probe":1}]})"));
    // The server's refusal, with its data, and the exit status for refused credentials.
    std::tie(status, out) = raw({QStringLiteral("--auth"), QStringLiteral(R"({"token":"nope"})")});
    CHECK(status == 2);
    CHECK(out.contains(R"("data":{"code":"auth_invalid"})"));
    // Bad input is a usage error before anything is sent.
    CHECK(raw({QStringLiteral("--auth"), QStringLiteral("{broken")}).first == 1);
}
