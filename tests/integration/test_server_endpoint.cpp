// The server's Socket.IO endpoint against a raw WebSocket peer that breaks the rules.
#include "support/eventloop.h"
#include "support/testsocketioserver.h"

#include <catch2/catch.hpp>
#include <QWebSocket>

using namespace crm;
using namespace std::chrono_literals;
using test::TestSocketIoServer;
using test::waitUntil;

namespace {

// A bare WebSocket that records every frame, for speaking the protocol by hand.
struct RawPeer
{
    explicit RawPeer(const QUrl& url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString& frame) { frames.append(frame); });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] { closed = true; });
        socket.open(url);
    }

    bool waitForFrame(const QString& prefix)
    {
        return waitUntil([&] {
            return std::any_of(frames.begin(), frames.end(),
                               [&](const QString& f) { return f.startsWith(prefix); });
        });
    }

    QWebSocket socket;
    QStringList frames;
    bool closed = false;
};

QUrl socketUrl(const TestSocketIoServer& server,
               const QString& query = QStringLiteral("EIO=4&transport=websocket"))
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/socket.io/?%2").arg(server.port()).arg(query));
}

} // namespace

TEST_CASE("Endpoint: handshake, CONNECT, events and pings by hand", "[server]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    CHECK(peer.frames.first().contains(QStringLiteral("\"pingInterval\":200")));
    peer.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(peer.waitForFrame(QStringLiteral("40{\"sid\"")));
    peer.socket.sendTextMessage(QStringLiteral("425[\"echo\",\"hi\"]"));
    REQUIRE(peer.waitForFrame(QStringLiteral("435[\"hi\"]")));
    REQUIRE(peer.waitForFrame(QStringLiteral("2"))); // the server pings
}

TEST_CASE("Endpoint: a client that never answers pings is closed", "[server][heartbeat]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    peer.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(waitUntil([&] { return server.connectsAccepted() == 1; }));
    REQUIRE(waitUntil([&] { return peer.closed; }, 5s));
    CHECK(server.endpoint()->sessions().isEmpty());
}

TEST_CASE("Endpoint: bad frames close only the session that sent them", "[server][robustness]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer good(socketUrl(server));
    REQUIRE(good.waitForFrame(QStringLiteral("0{")));
    good.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(good.waitForFrame(QStringLiteral("40")));

    const auto frame = GENERATE(as<QString>{}, QStringLiteral("x"), QStringLiteral("42[\"a\""),
                                QStringLiteral("42[]"), QStringLiteral("42[\"connect\"]"),
                                QStringLiteral("451-[\"a\",{\"_placeholder\":true,\"num\":0}]"),
                                QStringLiteral("4") + QString(1'100'000, u'x'));
    RawPeer bad(socketUrl(server));
    REQUIRE(bad.waitForFrame(QStringLiteral("0{")));
    bad.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(bad.waitForFrame(QStringLiteral("40")));
    bad.socket.sendTextMessage(frame);
    REQUIRE(waitUntil([&] { return bad.closed; }, 5s));

    // The well-behaved client is untouched.
    good.frames.clear();
    good.socket.sendTextMessage(QStringLiteral("429[\"echo\",1]"));
    REQUIRE(good.waitForFrame(QStringLiteral("439[1]")));
}

TEST_CASE("Endpoint: binary frames are refused", "[server][robustness]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    peer.socket.sendBinaryMessage(QByteArray("\x04\x01\x02", 3));
    REQUIRE(waitUntil([&] { return peer.closed; }, 5s));
}

TEST_CASE("Endpoint: wrong protocol version or transport is refused", "[server]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer v3(socketUrl(server, QStringLiteral("EIO=3&transport=websocket")));
    REQUIRE(waitUntil([&] { return v3.closed; }, 5s));
    CHECK(v3.frames.isEmpty());
    CHECK(v3.socket.closeCode() == QWebSocketProtocol::CloseCodeProtocolError);
}

TEST_CASE("Endpoint: a client that never sends CONNECT is closed", "[server]")
{
    auto options = TestSocketIoServer::fastOptions();
    options.pingInterval = 5s; // isolate the CONNECT timeout from the ping timeout
    options.connectTimeout = 300ms;
    TestSocketIoServer server(options);
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    REQUIRE(waitUntil([&] { return peer.closed; }, 5s));
}

TEST_CASE("Endpoint: CONNECT to an unknown namespace gets CONNECT_ERROR on that namespace",
          "[server]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    peer.socket.sendTextMessage(QStringLiteral("40/admin,{\"token\":\"good-token\"}"));
    // On "/" a client waiting for /admin would never hear it (the stock client waits forever).
    REQUIRE(peer.waitForFrame(QStringLiteral("44/admin,{\"message\":\"Invalid namespace\"")));
    CHECK(server.connectsAccepted() == 0);
    // Nothing else is connected or closed by it: "/" still connects on the same session.
    peer.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(peer.waitForFrame(QStringLiteral("40{\"sid\"")));
}

TEST_CASE("Endpoint: a second CONNECT on a connected namespace ends the session", "[server]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    peer.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(peer.waitForFrame(QStringLiteral("40{\"sid\"")));
    peer.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(waitUntil([&] { return peer.closed; }, 5s));
    CHECK(server.connectsAccepted() == 1);
}

TEST_CASE("Endpoint: events before CONNECT are not delivered", "[server]")
{
    TestSocketIoServer server;
    REQUIRE(server.listen());
    RawPeer peer(socketUrl(server));
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    peer.socket.sendTextMessage(QStringLiteral("42[\"sneaky\"]"));
    peer.socket.sendTextMessage(QStringLiteral("40{\"token\":\"good-token\"}"));
    REQUIRE(peer.waitForFrame(QStringLiteral("40")));
    test::spin(100ms);
    CHECK(server.events().isEmpty());
}
