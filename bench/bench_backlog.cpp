// An offline backlog synced on reconnect, against a real crm-server process on loopback:
//  - an agent's profile creates `--records` leads online, goes offline, and queues `--edits`
//    edits across them (several per record, interleaved);
//  - meanwhile a teammate changes the status of ten of those leads, which the backlog changes
//    too: exactly ten conflicts must come back, nothing applied over the teammate;
//  - then the link comes back and the clock runs until the outbox is empty.
// Prints the time, edits per second, and what proves exactly-once: the server's seq moved by
// exactly the number of applied edits, and no socket was rate-limited.
// Usage: bench_backlog [--edits 1500,10000] [--records 300]
#include "core/localstore.h"
#include "core/syncengine.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "support/processclient.h"
#include "support/serverprocess.h"

#include <cstdio>
#include <functional>
#include <memory>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

using namespace crm;

namespace {

constexpr int kContested = 10; // leads the teammate changes while the agent is offline

// Runs the event loop until done() holds, looking every 5 ms (sleeping in between, so the
// benchmark's own polling does not compete with the client and the server for the CPU).
bool waitFor(const std::function<bool()>& done, int seconds)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(seconds * 1000, &loop, [&] { loop.exit(1); });
    tick.start(5);
    return loop.exec() == 0;
}

std::optional<RestReply> call(RestClient& rest, const QByteArray& verb, const QString& path,
                              const QJsonObject& body = {},
                              const RestClient::RequestOptions& options = {})
{
    std::optional<RestReply> reply;
    auto done = [&](const RestReply& r) { reply = r; };
    if (verb == "GET")
        rest.get(path, done, options);
    else
        rest.patch(path, body, done, options);
    if (!waitFor([&] { return reply.has_value(); }, 30))
        return std::nullopt;
    return reply;
}

qint64 serverSeq(RestClient& rest)
{
    RestClient::RequestOptions options;
    options.query.addQueryItem(QStringLiteral("since"), QStringLiteral("0"));
    options.query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    const auto reply = call(rest, "GET", QStringLiteral("/api/changes"), {}, options);
    return reply && reply->ok()
               ? reply->body.toObject().value(QStringLiteral("lastSeq")).toInteger(-1)
               : -1;
}

double metric(RestClient& rest, const QString& name)
{
    const auto reply = call(rest, "GET", QStringLiteral("/metrics"));
    if (!reply || !reply->ok())
        return -1;
    const QString text = reply->text;
    const auto match = QRegularExpression(QStringLiteral("^%1 ([0-9.e+]+)$").arg(name),
                                          QRegularExpression::MultilineOption)
                           .match(text);
    return match.hasMatch() ? match.captured(1).toDouble() : 0;
}

int runOnce(int edits, int records)
{
    QTemporaryDir dir;
    test::ServerProcess server(dir.filePath(QStringLiteral("server")));
    const auto alexToken = server.addUserWithToken(QStringLiteral("alex@bench.test"));
    const auto samToken = server.addUserWithToken(QStringLiteral("sam@bench.test"));
    if (!alexToken || !samToken || !server.start()) {
        std::fprintf(stderr, "bench_backlog: cannot start crm-server\n");
        return 1;
    }
    ConnectionConfig config; // the product's own timings
    config.serverUrl = server.url();
    config.watchNetwork = false;
    config.detectResume = false;
    test::ProcessClient alex(config, *alexToken, dir.filePath(QStringLiteral("alex.sqlite")));
    alex.connection.start();
    if (!waitFor([&] { return alex.caughtUp; }, 30))
        return std::fprintf(stderr, "bench_backlog: no catch-up\n"), 1;
    QStringList ids;
    for (int i = 0; i < records; ++i) {
        ids.append(QUuid::createUuid().toString(QUuid::WithoutBraces));
        alex.engine->edit(QStringLiteral("leads"), ids.last(), Operation::Create,
                          {{QStringLiteral("name"), QStringLiteral("Lead %1").arg(i)},
                           {QStringLiteral("status"), QStringLiteral("new")}});
    }
    if (!waitFor([&] { return alex.settled(); }, 60))
        return std::fprintf(stderr, "bench_backlog: creates did not sync\n"), 1;
    alex.connection.stop();
    alex.caughtUp = false;

    // The teammate, online, changes the status of the first leads (made on version 1).
    RestClient sam;
    sam.setBaseUrl(server.url());
    sam.setBearerToken(*samToken);
    for (int i = 0; i < kContested; ++i) {
        RestClient::RequestOptions ifMatch;
        ifMatch.ifMatch = QStringLiteral("1");
        const auto reply =
            call(sam, "PATCH", QStringLiteral("/api/records/leads/%1").arg(ids.at(i)),
                 {{QStringLiteral("fields"),
                   QJsonObject{{QStringLiteral("status"), QStringLiteral("contacted")}}}},
                 ifMatch);
        if (!reply || !reply->ok())
            return std::fprintf(stderr, "bench_backlog: teammate's edit failed\n"), 1;
    }
    const qint64 seqBefore = serverSeq(sam);

    // The backlog: several edits per lead, each a value of its own, and one status edit of each
    // contested lead (made on the copy the agent had: version 1).
    for (int i = 0; i < edits; ++i) {
        const int round = i / records;
        const QString id = ids.at(i % records);
        QJsonObject fields;
        if (round == 0 && i < kContested)
            fields.insert(QStringLiteral("status"), QStringLiteral("qualified"));
        else if (round % 2 == 0)
            fields.insert(QStringLiteral("score"), round % 100);
        else
            fields.insert(QStringLiteral("budgetMax"), 100000 + i);
        alex.engine->edit(QStringLiteral("leads"), id, Operation::Update, fields);
    }

    int answers = 0;
    qint64 answerMs = 0;
    QObject::connect(&alex.connection, &ConnectionManager::latencyMeasured, &alex.connection,
                     [&](qint64 ms) { ++answers, answerMs += ms; });
    QElapsedTimer clock;
    clock.start();
    alex.connection.start();
    if (!waitFor([&] { return alex.settled(); }, 300))
        return std::fprintf(stderr, "bench_backlog: backlog did not drain\n"), 1;
    const double seconds = clock.elapsed() / 1000.0;
    const qint64 applied = serverSeq(sam) - seqBefore;
    const int conflicts = alex.store->problems().conflictCount();
    std::printf("backlog %5d edits over %d leads: %6.2f s  %7.0f edits/s  applied %lld  "
                "conflicts %d (expected %d)  refused %d  rate-limited sockets %.0f  %s\n"
                "  %d answers, %.1f ms each on average (connect included)\n",
                edits, records, seconds, edits / seconds, static_cast<long long>(applied),
                conflicts, kContested, alex.store->problems().failureCount(),
                metric(sam, QStringLiteral("crm_rate_limited_sockets_total")),
                applied == edits - kContested && conflicts == kContested ? "exactly once"
                                                                         : "MISMATCH",
                answers, answers ? static_cast<double>(answerMs) / answers : 0.0);
    std::fflush(stdout);
    return applied == edits - kContested && conflicts == kContested ? 0 : 2;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("crm.*.info=false"));
    QList<int> runs{1500, 10000};
    int records = 300;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QStringLiteral("--edits")) {
            runs.clear();
            for (const auto& n : args.at(i + 1).split(u','))
                runs.append(n.toInt());
        } else if (args.at(i) == QStringLiteral("--records")) {
            records = std::max(kContested, args.at(i + 1).toInt());
        }
    }
    int status = 0;
    for (int edits : runs)
        status = std::max(status, runOnce(std::max(edits, kContested), records));
    return status;
}
