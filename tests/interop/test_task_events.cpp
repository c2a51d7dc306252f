// Long tasks over Server-Sent Events, with the stock npm `eventsource` client as the peer: a
// CSV import followed from progress to completion, resume with Last-Event-ID, and nobody
// outside the task's readers hearing anything.
#include "support/leadcsv.h"
#include "support/nodepeer.h"
#include "support/restcall.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QTcpSocket>

using namespace crm;
using test::NodePeer;
using test::restCall;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

namespace {

QString startImport(Server& s, const Identity& who, int rows)
{
    const auto reply = restCall(s.url(), s.token(who), "POST", QStringLiteral("/api/tasks"),
                                {{QStringLiteral("kind"), QStringLiteral("csv_import")},
                                 {QStringLiteral("params"),
                                  QJsonObject{{QStringLiteral("module"), QStringLiteral("leads")}}},
                                 {QStringLiteral("input"), test::makeLeadCsv(rows).text}});
    REQUIRE(reply.httpStatus == 201);
    return reply.body.toObject().value(QStringLiteral("id")).toString();
}

QString eventsUrl(Server& s, const QString& id)
{
    return s.url().toString() + QStringLiteral("/api/tasks/") + id + QStringLiteral("/events");
}

// The raw stream of a finished task, read to its end (the server closes it).
QByteArray rawStream(Server& s, const QString& id, const QString& token,
                     const QByteArray& lastEventId)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), s.server.port());
    REQUIRE(waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; }));
    QByteArray request = "GET /api/tasks/" + id.toUtf8() +
                         "/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                         "Authorization: Bearer " + token.toUtf8() + "\r\n";
    if (!lastEventId.isEmpty())
        request += "Last-Event-ID: " + lastEventId + "\r\n";
    socket.write(request + "\r\n");
    // A stream ends when the server closes it; a refusal is one ordinary response (the
    // connection stays open for the next request), complete at its Content-Length.
    QByteArray received;
    auto refusalComplete = [&] {
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0 || received.startsWith("HTTP/1.1 200"))
            return false;
        const qsizetype at = received.toLower().indexOf("content-length: ");
        const qsizetype length =
            at < 0 ? 0 : received.mid(at + 16, received.indexOf('\r', at) - at - 16).toLongLong();
        return received.size() - end - 4 >= length;
    };
    REQUIRE(waitUntil(
        [&] {
            received += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState || refusalComplete();
        },
        20s));
    return received + socket.readAll();
}

} // namespace

TEST_CASE("SSE: the stock eventsource client follows an import from progress to completed",
          "[tasks][sse][interop]")
{
    if (const QString why = NodePeer::unavailableReason(); !why.isEmpty())
        FAIL(why.toStdString());
    Server s;
    const QString id = startImport(s, s.ana, 3000);
    // Runs on its own while this thread serves it.
    const auto run =
        NodePeer::runScript(QStringLiteral("sse-client.js"),
                            {eventsUrl(s, id), s.token(s.ana), {}, QStringLiteral("60")});
    INFO(run.stderrText.toStdString());
    REQUIRE(run.exitCode == 0);
    const QJsonArray events = run.result.value(QStringLiteral("events")).toArray();
    REQUIRE(events.size() >= 1);
    const QJsonObject last = events.last().toObject();
    CHECK(last.value(QStringLiteral("type")).toString() == QStringLiteral("completed"));
    const QJsonObject task = last.value(QStringLiteral("data")).toObject();
    CHECK(task.value(QStringLiteral("id")).toString() == id);
    CHECK(task.value(QStringLiteral("progress")).toInt() == 100);
    // Progress never goes back, and every event has an id to resume from.
    int progress = -1;
    for (const auto& value : events) {
        const QJsonObject event = value.toObject();
        CHECK_FALSE(event.value(QStringLiteral("id")).toString().isEmpty());
        const int now = event.value(QStringLiteral("data"))
                            .toObject()
                            .value(QStringLiteral("progress"))
                            .toInt();
        CHECK(now >= progress);
        progress = now;
    }
}

TEST_CASE("SSE: Last-Event-ID resumes: a client that saw the last event hears nothing again",
          "[tasks][sse]")
{
    Server s;
    const QString id = startImport(s, s.ana, 20);
    REQUIRE(waitUntil([&] {
        return restCall(s.url(), s.token(s.ana), "GET", QStringLiteral("/api/tasks/") + id)
                   .body.toObject()
                   .value(QStringLiteral("status"))
                   .toString() == QStringLiteral("completed");
    }));
    const QByteArray full = rawStream(s, id, s.token(s.ana), {});
    CHECK(full.startsWith("HTTP/1.1 200"));
    CHECK(full.contains("Content-Type: text/event-stream"));
    CHECK(full.contains("event: completed\n"));
    const qsizetype at = full.indexOf("id: ");
    REQUIRE(at > 0);
    const QByteArray lastId = full.mid(at + 4, full.indexOf('\n', at) - at - 4);

    const QByteArray resumed = rawStream(s, id, s.token(s.ana), lastId);
    CHECK(resumed.startsWith("HTTP/1.1 200"));
    CHECK_FALSE(resumed.contains("event: "));
    // An older id (an earlier attempt) gets the current state.
    CHECK(rawStream(s, id, s.token(s.ana), "0-old").contains("event: completed\n"));
}

TEST_CASE("SSE: no token, or a task outside the reader's reach, hears nothing", "[tasks][sse]")
{
    Server s;
    const QString id = startImport(s, s.ana, 5);
    const QByteArray anonymous = rawStream(s, id, QStringLiteral("not-a-token"), {});
    CHECK(anonymous.startsWith("HTTP/1.1 401"));
    CHECK_FALSE(anonymous.contains("event: "));
    // Cleo is in the South team; Ana's task is not shared.
    const QByteArray stranger = rawStream(s, id, s.token(s.cleo), {});
    CHECK(stranger.startsWith("HTTP/1.1 404"));
    CHECK_FALSE(stranger.contains("event: "));
}
