// crm-server's socket and HTTP edge against clients that break the rules: a second CONNECT,
// floods, unknown namespaces, odd `since` values, oversized frames and request bodies. After
// each refused abuse the other sessions keep working and a legitimate client still connects.
#include "support/nodepeer.h"
#include "support/rawsiopeer.h"
#include "support/rawtcppeer.h"
#include "support/restcall.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>
#include <QRegularExpression>
#include <string>

using namespace crm;
using namespace std::chrono_literals;
using test::Agent;
using test::RawSioPeer;
using test::RawTcpPeer;
using test::Server;
using test::waitUntil;

namespace {

// A bucket that never refills: how many events pass is then exact, whatever the machine's pace.
SyncHub::Options burstOnly(double burst)
{
    SyncHub::Options options;
    options.rateBurst = burst;
    options.ratePerSecond = 0;
    return options;
}

QJsonObject authFor(Server& s, const Identity& who)
{
    return {{QStringLiteral("token"), s.token(who)}, {QStringLiteral("clientId"), test::newId()}};
}

QByteArray authText(Server& s, const Identity& who, const QByteArray& extra = {})
{
    return "{\"token\":\"" + s.token(who).toUtf8() + "\"" + extra + "}";
}

// The witness: an agent connected before the abuse, who must not notice it.
void requireStillServed(Agent& witness)
{
    std::optional<AckOutcome> echo;
    witness.manager.emitWithAck(QStringLiteral("echo"), {QStringLiteral("still here")},
                                [&](const AckOutcome& o) { echo = o; });
    REQUIRE(waitUntil([&] { return echo.has_value(); }));
    REQUIRE(echo->ok());
    CHECK(echo->args == QJsonArray{QStringLiteral("still here")});
}

void requireNewClientConnects(Server& s)
{
    Agent newcomer(s, s.dee, QStringLiteral("dee-") + test::newId());
    newcomer.connect();
    requireStillServed(newcomer);
}

void requireNodePeers()
{
    const QString why = test::NodePeer::unavailableReason();
    INFO(why.toStdString());
    REQUIRE(why.isEmpty());
}

// What a flooder heard that matters for the goodbye: acks, rate:limited and DISCONNECT, in order
// (as text, so a mismatch prints readably).
std::string goodbyeOrder(const QStringList& frames)
{
    QStringList order;
    for (const QString& frame : frames) {
        if (frame.startsWith(QStringLiteral("43")))
            order.append(QStringLiteral("ack ") + frame.mid(2, frame.indexOf(u'[') - 2));
        else if (frame.startsWith(QStringLiteral("42[\"rate:limited\"")))
            order.append(QStringLiteral("rate:limited"));
        else if (frame == QStringLiteral("41"))
            order.append(QStringLiteral("disconnect"));
    }
    return order.join(QStringLiteral(", ")).toStdString();
}

std::string expectedGoodbye(int acks, const QString& disconnect)
{
    QStringList order;
    for (int i = 1; i <= acks; ++i)
        order.append(QStringLiteral("ack %1").arg(i));
    order << QStringLiteral("rate:limited") << disconnect;
    return order.join(QStringLiteral(", ")).toStdString();
}

} // namespace

TEST_CASE("Edges: a second CONNECT on a connected session is a protocol error",
          "[server][edges][connect]")
{
    Server s;
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();
    RawSioPeer peer(s.url());
    REQUIRE(peer.connectWith(authFor(s, s.ana)));
    REQUIRE(peer.waitForFrame(QStringLiteral("42[\"sync:caught-up\"")));
    peer.socket.sendTextMessage(QStringLiteral("425[\"echo\",\"once\"]"));
    REQUIRE(peer.waitForFrame(QStringLiteral("435[\"once\"]")));
    // Something in the log, so that a replay from `since: 0` would have something to send.
    witness.create(test::newId(), {{QStringLiteral("number"), QStringLiteral("ESC-EDGE")}});
    REQUIRE(peer.waitForFrame(QStringLiteral("42[\"escrow:created\"")));

    // The repeat would re-authenticate, refill the bucket, add a second event handler and
    // replay again; it ends the session instead.
    peer.sendConnect(authText(s, s.ana, ",\"since\":0"));
    REQUIRE(waitUntil([&] { return peer.closed; }));
    CHECK(peer.count(QStringLiteral("40")) == 1);
    CHECK(peer.count(QStringLiteral("42[\"sync:caught-up\"")) == 1);
    CHECK(peer.count(QStringLiteral("42[\"sync:changes\"")) == 0);
    CHECK(peer.count(QStringLiteral("435")) == 1);

    requireStillServed(witness);
    requireNewClientConnects(s);
}

TEST_CASE("Edges: CONNECT counts against the socket's bucket, refused or accepted",
          "[server][edges][ratelimit]")
{
    Server s(900s, burstOnly(5));
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();

    SECTION("refused CONNECTs: five are answered, the sixth ends the session")
    {
        RawSioPeer peer(s.url());
        REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
        for (int i = 0; i < 10; ++i)
            peer.sendConnect("{\"token\":\"forged.token.here\"}");
        REQUIRE(waitUntil([&] { return peer.closed; }));
        const QStringList refusals = peer.frames.filter(QRegularExpression(QStringLiteral("^44")));
        REQUIRE(refusals.size() == 6);
        CHECK(refusals.filter(QStringLiteral("\"code\":\"auth_invalid\"")).size() == 5);
        CHECK(refusals.last().contains(QStringLiteral("\"code\":\"rate_limited\"")));
    }
    SECTION("the accepted CONNECT took a token: four events pass")
    {
        RawSioPeer peer(s.url());
        REQUIRE(peer.connectWith(authFor(s, s.ana)));
        for (int i = 1; i <= 10; ++i)
            peer.socket.sendTextMessage(QStringLiteral("42%1[\"echo\",%1]").arg(i));
        REQUIRE(waitUntil([&] { return peer.closed; }));
        CHECK(goodbyeOrder(peer.frames) == expectedGoodbye(4, QStringLiteral("disconnect")));
    }
    requireStillServed(witness);
    requireNewClientConnects(s);
}

TEST_CASE("Edges: a flooder hears its acks, rate:limited, DISCONNECT, then a clean close",
          "[server][edges][ratelimit]")
{
    Server s(900s, burstOnly(20));
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();
    // Three rounds: the broken goodbye lost everything in one or two runs out of three.
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        RawSioPeer peer(s.url());
        REQUIRE(peer.connectWith(authFor(s, s.ana)));
        REQUIRE(peer.waitForFrame(QStringLiteral("42[\"sync:caught-up\"")));
        // Far more than the bucket holds, so the server has unread frames when it says goodbye.
        for (int i = 1; i <= 2000; ++i)
            peer.socket.sendTextMessage(QStringLiteral("42%1[\"echo\",%1]").arg(i));
        REQUIRE(waitUntil([&] { return peer.closed; }));
        // CONNECT took one token, so 19 events were processed and answered, in order.
        CHECK(goodbyeOrder(peer.frames) == expectedGoodbye(19, QStringLiteral("disconnect")));
        // The server's own close frame arrived: a closing handshake, not a reset.
        CHECK(peer.socket.closeCode() == QWebSocketProtocol::CloseCodeNormal);
        CHECK(peer.socket.closeReason() == QStringLiteral("rate limited"));
        requireStillServed(witness);
    }
    requireNewClientConnects(s);
}

TEST_CASE("Edges: the stock socket.io-client flooding gets its acks, rate:limited, disconnect",
          "[server][edges][ratelimit][interop]")
{
    requireNodePeers();
    Server s(900s, burstOnly(20));
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        const auto run = test::NodePeer::runScript(
            QStringLiteral("edge-client.js"),
            {QStringLiteral("flood"), s.url().toString(), s.token(s.ana), QStringLiteral("300")});
        INFO(run.stderrText.toStdString());
        INFO(QJsonDocument(run.result).toJson().toStdString());
        REQUIRE(run.exitCode == 0);
        QStringList log;
        for (const auto& entry : run.result.value(QStringLiteral("log")).toArray())
            log.append(entry.toString());
        CHECK(log.join(QStringLiteral(", ")).toStdString() ==
              expectedGoodbye(19, QStringLiteral("disconnect io server disconnect")));
        CHECK(run.result.value(QStringLiteral("wsClose")).toInt() != 1006);
        requireStillServed(witness);
    }
    requireNewClientConnects(s);
}

TEST_CASE("Edges: CONNECT to an unknown namespace is answered on that namespace",
          "[server][edges][namespace]")
{
    Server s;
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();
    SECTION("by hand: the refusal names the namespace, and / still connects afterwards")
    {
        RawSioPeer peer(s.url());
        REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
        peer.socket.sendTextMessage(QStringLiteral("40/admin,") +
                                    QString::fromUtf8(authText(s, s.ana)));
        REQUIRE(peer.waitForFrame(QStringLiteral("44/admin,{\"message\":\"Invalid namespace\"")));
        CHECK_FALSE(peer.closed);
        peer.sendConnect(authText(s, s.ana));
        REQUIRE(peer.waitForFrame(QStringLiteral("40{\"sid\"")));
    }
    SECTION("the stock client hears connect_error instead of waiting forever")
    {
        requireNodePeers();
        const auto run = test::NodePeer::runScript(
            QStringLiteral("edge-client.js"),
            {QStringLiteral("namespace"), s.url().toString(), s.token(s.ana)});
        INFO(run.stderrText.toStdString());
        INFO(QJsonDocument(run.result).toJson().toStdString());
        REQUIRE(run.exitCode == 2);
        CHECK(run.result.value(QStringLiteral("connectError"))
                  .toObject()
                  .value(QStringLiteral("message")) == QStringLiteral("Invalid namespace"));
    }
    requireStillServed(witness);
    requireNewClientConnects(s);
}

TEST_CASE("Edges: every `since` gets a clear answer: a replay, caught-up or rebootstrap",
          "[server][edges][replay]")
{
    struct Case
    {
        const char* since; // JSON text after "since": (empty: left out)
        const char* answer;
        const char* reason; // sync:rebootstrap's
        QList<qint64> replayed;
    };
    const Case c = GENERATE(values<Case>({
        {"", "caught-up", "", {}},
        {"null", "caught-up", "", {}},
        {"0", "caught-up", "", {1, 2, 3}},
        {"2", "caught-up", "", {3}},
        {"2.0", "caught-up", "", {3}},
        {"3", "caught-up", "", {}},
        {"4", "rebootstrap", "ahead", {}},
        {"1e300", "rebootstrap", "ahead", {}},
        {"9007199254740993", "rebootstrap", "ahead", {}},
        {"1.5", "rebootstrap", "invalid_since", {}},
        {"-1", "rebootstrap", "invalid_since", {}},
        {"-1e300", "rebootstrap", "invalid_since", {}},
        {"\"2\"", "rebootstrap", "invalid_since", {}},
        {"true", "rebootstrap", "invalid_since", {}},
        {"{}", "rebootstrap", "invalid_since", {}},
    }));
    INFO("since: " << c.since);
    Server s;
    Agent ana(s, s.ana, QStringLiteral("ana-1"));
    ana.connect();
    for (int i = 0; i < 3; ++i)
        REQUIRE(
            ana.create(test::newId(), {{QStringLiteral("number"), QStringLiteral("ESC-%1").arg(i)},
                                       {QStringLiteral("purchasePrice"), 100000 + i},
                                       {QStringLiteral("status"), QStringLiteral("open")}})
                .value(QStringLiteral("status")) == QStringLiteral("applied"));

    RawSioPeer peer(s.url());
    REQUIRE(peer.waitForFrame(QStringLiteral("0{")));
    const QByteArray since = c.since;
    peer.sendConnect(authText(s, s.ben, since.isEmpty() ? QByteArray() : ",\"since\":" + since));
    REQUIRE(peer.waitForFrame(QStringLiteral("40{\"sid\"")));
    // The task list always follows the replay's outcome: everything before it is the answer.
    REQUIRE(peer.waitForFrame(QStringLiteral("42[\"ai:task:list\"")));
    QList<qint64> replayed;
    QJsonObject caughtUp;
    QJsonObject rebootstrap;
    for (const QString& frame : peer.frames) {
        if (!frame.startsWith(QStringLiteral("42[")))
            continue;
        const QJsonArray packet = QJsonDocument::fromJson(frame.mid(2).toUtf8()).array();
        const QString event = packet.first().toString();
        const QJsonObject payload = packet.at(1).toObject();
        if (event == QStringLiteral("sync:changes")) {
            for (const auto& change : payload.value(QStringLiteral("changes")).toArray())
                replayed.append(change.toObject().value(QStringLiteral("seq")).toInteger());
        } else if (event == QStringLiteral("sync:caught-up")) {
            caughtUp = payload;
        } else if (event == QStringLiteral("sync:rebootstrap")) {
            rebootstrap = payload;
        }
    }
    CHECK(replayed == c.replayed);
    if (QByteArray(c.answer) == "caught-up") {
        CHECK(rebootstrap.isEmpty());
        CHECK(caughtUp.value(QStringLiteral("seq")).toInteger() == 3);
    } else {
        CHECK(caughtUp.isEmpty());
        CHECK(rebootstrap.value(QStringLiteral("seq")).toInteger() == 3);
        CHECK(rebootstrap.value(QStringLiteral("reason")).toString() == QLatin1String(c.reason));
    }
    CHECK_FALSE(peer.closed);
    requireStillServed(ana);
}

TEST_CASE("Edges: an oversized WebSocket message is refused by size, before login",
          "[server][edges][limits]")
{
    Server s;
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();
    RawTcpPeer peer(s.server.port());
    REQUIRE(peer.waitConnected());
    REQUIRE(peer.upgrade());

    SECTION("one frame announcing 32 MiB: refused from its header, the rest is never sent")
    {
        peer.send(RawTcpPeer::clientFrame(0x1, QByteArray(4096, '4'), true, 32 << 20));
    }
    SECTION("a message of many small frames, over maxPayload in total")
    {
        for (int i = 0; i < 12; ++i)
            peer.send(RawTcpPeer::clientFrame(i == 0 ? 0x1 : 0x0, QByteArray(100000, 'x'), false));
    }
    const auto close = peer.waitForCloseFrame();
    REQUIRE(close.has_value());
    CHECK(close->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData);
    REQUIRE(waitUntil([&] { return peer.closed; }));

    requireStillServed(witness);
    requireNewClientConnects(s);
}

TEST_CASE("Edges: REST bodies over the route's limit are refused from the head, before the body",
          "[server][edges][limits][rest]")
{
    Server s;
    Agent witness(s, s.ben, QStringLiteral("ben-1"));
    witness.connect();
    RawTcpPeer peer(s.server.port());
    REQUIRE(peer.waitConnected());
    auto post = [](const QByteArray& path, qint64 length, const QByteArray& extra = {}) {
        return "POST " + path +
               " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extra +
               "Content-Length: " + QByteArray::number(length) + "\r\n\r\n";
    };
    auto requireRefused = [&](int status) {
        const auto answer = peer.waitForHttpAnswer();
        REQUIRE(answer.has_value());
        CHECK(answer->status == status);
        CHECK(answer->errorCode() == QStringLiteral("too_large"));
        CHECK(answer->head.toLower().contains("content-type: application/json"));
        // Refused requests end their connection: what follows on it is not a request.
        REQUIRE(waitUntil([&] { return peer.closed; }));
    };

    SECTION("32 MiB announced to /api/login: 413 with only the head sent")
    {
        peer.send(post("/api/login", 32 << 20));
        requireRefused(413);
    }
    SECTION("/api/tasks takes 33 MB, not 40 MiB")
    {
        peer.send(post("/api/tasks", 40 << 20, "Authorization: Bearer nope\r\n"));
        requireRefused(413);
    }
    SECTION("2 MiB: over the general limit, within the one for /api/tasks")
    {
        const QByteArray body(2 << 20, ' ');
        peer.send(post("/api/tasks", body.size(), "Authorization: Bearer nope\r\n") + body);
        const auto tasks = peer.waitForHttpAnswer();
        REQUIRE(tasks.has_value());
        CHECK(tasks->status == 401); // past the size check, to the route
        peer.send(post("/api/login", body.size()) + body);
        requireRefused(413);
    }
    SECTION("a chunked body is refused once it outgrows the limit")
    {
        peer.send(
            "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk =
            QByteArray::number(64 * 1024, 16) + "\r\n" + QByteArray(64 * 1024, ' ') + "\r\n";
        // Never the final chunk: the answer must come while the body is still open.
        for (int i = 0; i < 64 && !peer.closed && !peer.received.contains("HTTP/1.1"); ++i) {
            peer.send(chunk);
            REQUIRE(waitUntil([&] { return peer.socket.bytesToWrite() == 0 || peer.closed; }));
        }
        requireRefused(413);
    }
    SECTION("a head without an end is refused once it outgrows 64 KiB")
    {
        peer.send("GET /api/health HTTP/1.1\r\nX-Padding: " + QByteArray(80 * 1024, 'x'));
        requireRefused(431);
    }
    SECTION("blank lines before the head count towards it: they cannot hide a huge body")
    {
        peer.send(QByteArray(70 * 1024, '\n') + post("/api/login", 32 << 20));
        requireRefused(431);
    }
    SECTION("a Content-Length folded onto a second line is still read")
    {
        peer.send(
            "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length:\r\n 33554432\r\n\r\n");
        requireRefused(413);
    }
    SECTION("on a kept-alive connection every request is checked")
    {
        peer.send("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                  post("/api/login", 32 << 20));
        const auto health = peer.waitForHttpAnswer();
        REQUIRE(health.has_value());
        CHECK(health->status == 200);
        requireRefused(413);
    }
    requireStillServed(witness);
    const auto health = test::restCall(s.url(), {}, "GET", QStringLiteral("/api/health"));
    CHECK(health.ok());
    requireNewClientConnects(s);
}
