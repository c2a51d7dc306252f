// Fan-out load: N sockets of one team connected, one writer making M edits; measures the time
// from sending an edit to each receiver getting its event (p50 / p99 / max) and the server's CPU
// time, against crm-server and against a stock Node socket.io server doing the same broadcast
// (tests/interop/bench-server.js), in the same run, and prints the ratio.
// Usage: bench_fanout [--sockets N] [--edits M] [--interval MS]
#include "processfigures.h"
#include "realtime/connectionmanager.h"
#include "support/nodepeer.h"
#include "support/serverprocess.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>
#include <unistd.h>
#include <vector>

using namespace crm;
using bench::cpuSeconds;
using bench::percentile;
using bench::waitFor;

namespace {

struct Options
{
    int sockets = 1000;
    int edits = 200;
    int intervalMs = 25;
};

struct Result
{
    QString name;
    std::vector<double> latenciesMs;
    qint64 expected = 0;
    double serverCpuSeconds = 0;
    double wallSeconds = 0;
    bool ok = false;
};

Result measure(const QString& name, qint64 serverPid, quint16 port, const QString& readerToken,
               const QString& writerToken, const Options& options)
{
    Result result;
    result.name = name;
    result.expected = static_cast<qint64>(options.sockets) * options.edits;
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
    auto configFor = [&] {
        ConnectionConfig config;
        config.serverUrl = url;
        config.watchNetwork = false;
        config.detectResume = false;
        config.connectTimeout = std::chrono::seconds(30);
        return config;
    };

    std::vector<QElapsedTimer> sentAt(static_cast<size_t>(options.edits) + 2);
    std::vector<std::unique_ptr<ConnectionManager>> receivers;
    for (int i = 0; i < options.sockets; ++i) {
        auto manager = std::make_unique<ConnectionManager>(configFor());
        const QString clientId = QStringLiteral("reader-%1").arg(i);
        manager->setAuthProvider([readerToken, clientId] {
            return QJsonObject{{QStringLiteral("token"), readerToken},
                               {QStringLiteral("clientId"), clientId}};
        });
        QObject::connect(
            manager.get(), &ConnectionManager::eventReceived, manager.get(),
            [&](const QString& event, const QJsonArray& args, const AckResponder&) {
                if (event != QStringLiteral("escrow:updated"))
                    return;
                const qint64 mid =
                    args.first().toObject().value(QStringLiteral("mutationId")).toInteger();
                if (mid >= 2 && mid < static_cast<qint64>(sentAt.size()))
                    result.latenciesMs.push_back(
                        static_cast<double>(sentAt[static_cast<size_t>(mid)].nsecsElapsed()) / 1e6);
            });
        manager->start();
        receivers.push_back(std::move(manager));
    }
    ConnectionManager writer(configFor());
    writer.setAuthProvider([writerToken] {
        return QJsonObject{{QStringLiteral("token"), writerToken},
                           {QStringLiteral("clientId"), QStringLiteral("bench-writer")}};
    });
    writer.start();
    const bool connected = waitFor(
        [&] {
            return writer.state() == ConnectionState::Online &&
                   std::all_of(receivers.begin(), receivers.end(),
                               [](const auto& r) { return r->state() == ConnectionState::Online; });
        },
        120000);
    if (!connected) {
        std::fprintf(stderr, "%s: not all %d sockets connected\n", qPrintable(name),
                     options.sockets);
        return result;
    }

    const QString recordId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    qint64 version = 0;
    bool failed = false;
    auto send = [&](qint64 mutationId, const QJsonObject& mutation) {
        std::optional<AckOutcome> ack;
        sentAt[static_cast<size_t>(mutationId)].start();
        writer.emitWithAck(
            QStringLiteral("mutate"), {mutation}, [&](const AckOutcome& o) { ack = o; },
            std::chrono::seconds(30));
        waitFor([&] { return ack.has_value(); }, 60000);
        if (!ack || !ack->ok()) {
            failed = true;
            return;
        }
        version = ack->args.first().toObject().value(QStringLiteral("version")).toInteger();
    };
    const double cpuBefore = cpuSeconds(serverPid);
    QElapsedTimer wall;
    wall.start();
    send(1, {{QStringLiteral("module"), QStringLiteral("escrows")},
             {QStringLiteral("op"), QStringLiteral("create")},
             {QStringLiteral("id"), recordId},
             {QStringLiteral("mutationId"), 1},
             {QStringLiteral("fields"),
              QJsonObject{{QStringLiteral("number"), QStringLiteral("ESC-LOAD")},
                          {QStringLiteral("purchasePrice"), 500000}}}});
    for (int edit = 0; edit < options.edits && !failed; ++edit) {
        const qint64 mutationId = edit + 2;
        send(mutationId, {{QStringLiteral("module"), QStringLiteral("escrows")},
                          {QStringLiteral("op"), QStringLiteral("update")},
                          {QStringLiteral("id"), recordId},
                          {QStringLiteral("mutationId"), mutationId},
                          {QStringLiteral("baseVersion"), version},
                          {QStringLiteral("fields"),
                           QJsonObject{{QStringLiteral("purchasePrice"), 500001 + edit}}}});
        waitFor([] { return false; }, options.intervalMs);
    }
    waitFor([&] { return static_cast<qint64>(result.latenciesMs.size()) >= result.expected; },
            60000);
    result.wallSeconds = static_cast<double>(wall.elapsed()) / 1000.0;
    result.serverCpuSeconds = cpuSeconds(serverPid) - cpuBefore;
    result.ok = !failed;
    for (auto& r : receivers)
        r->stop();
    writer.stop();
    return result;
}

void report(const Result& r)
{
    const auto& ms = r.latenciesMs;
    std::printf("%-12s delivered %lld/%lld events: p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                "server CPU %.2f s over %.1f s%s\n",
                qPrintable(r.name), static_cast<long long>(ms.size()),
                static_cast<long long>(r.expected), percentile(ms, 0.5), percentile(ms, 0.99),
                percentile(ms, 1.0), r.serverCpuSeconds, r.wallSeconds, r.ok ? "" : " (FAILED)");
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("crm.*.info=false"));
    Options options;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QStringLiteral("--sockets"))
            options.sockets = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--edits"))
            options.edits = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--interval"))
            options.intervalMs = std::max(0, args[i + 1].toInt());
    }
    std::printf("fan-out: %d receiving sockets in one team, %d edits by one writer, %d ms apart, "
                "all on loopback; receivers run in this process\n",
                options.sockets, options.edits, options.intervalMs);

    // crm-server with a writer and a reader of one team.
    QTemporaryDir data;
    test::ServerProcess crm(data.path());
    const auto writerToken =
        crm.addUserWithToken(QStringLiteral("writer@bench.test"), QStringLiteral("Load"));
    const auto readerToken =
        crm.addUserWithToken(QStringLiteral("reader@bench.test"), QStringLiteral("Load"));
    if (!writerToken || !readerToken ||
        !crm.start({QStringLiteral("--max-sockets-per-user"), QString::number(options.sockets + 10),
                    QStringLiteral("--rate-limit"), QStringLiteral("1000")})) {
        std::fprintf(stderr, "cannot start crm-server at %s\n", CRM_SERVER_PATH);
        return 1;
    }
    const Result crmResult = measure(QStringLiteral("crm-server"), crm.process().processId(),
                                     crm.port(), *readerToken, *writerToken, options);
    crm.stop();
    report(crmResult);

    test::NodePeer node;
    if (!node.startServer({}, 0, QStringLiteral("bench-server.js"))) {
        std::fprintf(stderr, "cannot start the Node peer: %s\n",
                     qPrintable(test::NodePeer::unavailableReason()));
        return 1;
    }
    const Result nodeResult =
        measure(QStringLiteral("node socket.io"), node.processId(), node.port(),
                QStringLiteral("x"), QStringLiteral("x"), options);
    node.kill();
    report(nodeResult);

    if (percentile(crmResult.latenciesMs, 0.99) > 0 && percentile(nodeResult.latenciesMs, 0.99) > 0)
        std::printf("ratio crm-server / node p99: %.2f (target: at most 1, and crm-server's p99 "
                    "under 15 ms on a quiet machine)\n",
                    percentile(crmResult.latenciesMs, 0.99) /
                        percentile(nodeResult.latenciesMs, 0.99));
    if (nodeResult.serverCpuSeconds > 0)
        std::printf("ratio crm-server / node server CPU: %.2f (target: at most 0.5)\n",
                    crmResult.serverCpuSeconds / nodeResult.serverCpuSeconds);
    return crmResult.ok && nodeResult.ok ? 0 : 1;
}
