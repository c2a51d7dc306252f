// Cluster fan-out: S sockets of one team spread evenly over three crm-server nodes behind nginx
// (one PostgreSQL, one Redis), one writer per node creating records in turn; measures the time
// from sending a create to each receiver getting its event (p50 / p99), with the single-node
// figure (the same sockets and writers on one node of the same database) in the same run, the
// servers' CPU per delivered event, and the write rate at which p99 passes 100 ms.
// Needs PostgreSQL (run it under pg_virtualenv), redis-server and nginx.
// Usage: bench_cluster [--sockets N] [--edits M]
#include "processfigures.h"
#include "realtime/connectionmanager.h"
#include "support/clusterfixture.h"
#include "support/serverprocess.h"
#include "support/testdatabases.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QTemporaryDir>
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
    int sockets = 1500;
    int edits = 60; // per write rate
};

std::unique_ptr<ConnectionManager> socketTo(const QUrl& url, const QString& token,
                                            const QString& clientId)
{
    ConnectionConfig config;
    config.serverUrl = url;
    config.watchNetwork = false;
    config.detectResume = false;
    config.connectTimeout = std::chrono::seconds(60);
    auto manager = std::make_unique<ConnectionManager>(config);
    manager->setAuthProvider([token, clientId] {
        return QJsonObject{{QStringLiteral("token"), token},
                           {QStringLiteral("clientId"), clientId}};
    });
    manager->start();
    return manager;
}

// One set-up under load: the latencies per write rate, and the CPU its servers spent.
struct Run
{
    std::map<int, std::vector<double>> latencies; // edits per second -> ms
    double serverCpu = 0;
    qint64 delivered = 0;
};

// Runs `during` while every socket is connected (before any write): what the servers hold.
using WhileConnected = std::function<void()>;

Run measure(const QList<QUrl>& receiverUrls, const QList<QUrl>& writerUrls, const QString& token,
            const std::function<double()>& serverCpu, const Options& options,
            const QList<int>& rates, const WhileConnected& whileConnected = {})
{
    Run run;
    std::map<QString, QElapsedTimer> sentAt; // record id -> since its create was sent
    std::vector<double>* current = nullptr;
    std::vector<std::unique_ptr<ConnectionManager>> receivers;
    for (int i = 0; i < options.sockets; ++i) {
        receivers.push_back(socketTo(receiverUrls.at(i % receiverUrls.size()), token,
                                     QStringLiteral("reader-%1").arg(i)));
        QObject::connect(
            receivers.back().get(), &ConnectionManager::eventReceived, receivers.back().get(),
            [&](const QString& event, const QJsonArray& args, const AckResponder&) {
                if (event != QStringLiteral("escrow:created") || !current)
                    return;
                const auto it =
                    sentAt.find(args.first().toObject().value(QStringLiteral("id")).toString());
                if (it == sentAt.end())
                    return;
                current->push_back(double(it->second.nsecsElapsed()) / 1e6);
                ++run.delivered;
            });
    }
    // A run's writers are new clients: mutation ids start again at 1 (a known client id would
    // have them answered as duplicates).
    const QString batch = QUuid::createUuid().toString(QUuid::Id128).left(8);
    std::vector<std::unique_ptr<ConnectionManager>> writers;
    for (int i = 0; i < writerUrls.size(); ++i)
        writers.push_back(
            socketTo(writerUrls.at(i), token, QStringLiteral("writer-%1-%2").arg(batch).arg(i)));
    auto online = [](const auto& list) {
        return std::all_of(list.begin(), list.end(),
                           [](const auto& m) { return m->state() == ConnectionState::Online; });
    };
    if (!waitFor([&] { return online(receivers) && online(writers); }, 180000)) {
        std::fprintf(stderr, "not all %d sockets connected\n", options.sockets);
        return run;
    }
    waitFor([] { return false; }, 1000); // catch-up and presence settle
    if (whileConnected)
        whileConnected();
    const double cpuBefore = serverCpu();
    qint64 mutationId = 0;
    for (const int rate : rates) {
        current = &run.latencies[rate];
        const qint64 expected = qint64(options.edits) * options.sockets;
        const qint64 before = run.delivered;
        QElapsedTimer clock;
        clock.start();
        for (int edit = 0; edit < options.edits; ++edit) {
            // The writers take turns; each create is due at edit / rate seconds.
            waitFor([&] { return clock.nsecsElapsed() >= qint64(edit) * 1000000000LL / rate; },
                    60000, 1);
            const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            sentAt[id].start();
            ++mutationId;
            writers[size_t(edit) % writers.size()]->emitWithAck(
                QStringLiteral("mutate"),
                {QJsonObject{{QStringLiteral("module"), QStringLiteral("escrows")},
                             {QStringLiteral("op"), QStringLiteral("create")},
                             {QStringLiteral("id"), id},
                             {QStringLiteral("mutationId"), mutationId},
                             {QStringLiteral("fields"),
                              QJsonObject{{QStringLiteral("number"),
                                           QStringLiteral("B-%1").arg(mutationId)}}}}},
                [](const AckOutcome&) {}, std::chrono::seconds(60));
        }
        waitFor([&] { return run.delivered - before >= expected; }, 120000);
    }
    current = nullptr;
    run.serverCpu = serverCpu() - cpuBefore;
    for (auto& r : receivers)
        r->stop();
    for (auto& w : writers)
        w->stop();
    return run;
}

void report(const char* name, const Run& run, const Options& options)
{
    std::printf("%s\n", name);
    int passed = 0;
    for (const auto& [rate, ms] : run.latencies) {
        const double p99 = percentile(ms, 0.99);
        std::printf("  %4d creates/s: delivered %zu/%lld, p50 %7.2f ms, p99 %7.2f ms\n", rate,
                    ms.size(), static_cast<long long>(options.edits) * options.sockets,
                    percentile(ms, 0.5), p99);
        if (!passed && p99 > 100)
            passed = rate;
    }
    std::printf("  server CPU %.2f s for %lld deliveries: %.1f us per delivered event\n",
                run.serverCpu, static_cast<long long>(run.delivered),
                run.delivered ? run.serverCpu * 1e6 / double(run.delivered) : 0.0);
    if (passed)
        std::printf("  p99 passes 100 ms at %d creates/s\n", passed);
    else
        std::printf("  p99 stayed under 100 ms at every rate tried\n");
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
            options.sockets = std::max(3, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--edits"))
            options.edits = std::max(3, args[i + 1].toInt());
    }
    const QList<int> rates{10, 25, 50, 100, 200};
    std::printf("cluster fan-out: %d receiving sockets of one team, 3 writers taking turns, "
                "%d creates per rate; everything on this machine (loopback)\n",
                options.sockets, options.edits);
    const QStringList nodeArgs{QStringLiteral("--max-sockets-per-user"),
                               QString::number(options.sockets + 10),
                               QStringLiteral("--rate-limit"), QStringLiteral("5000")};

    // One node on its own database: the baseline.
    QTemporaryDir single;
    QString why;
    const QString database = test::databaseTarget(QStringLiteral("postgres"), single.path(), &why);
    if (database.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(why));
        return 1;
    }
    test::ServerProcess alone(single.filePath(QStringLiteral("data")));
    const auto soloToken =
        alone.admin({QStringLiteral("--db"), database, QStringLiteral("user"),
                     QStringLiteral("add"), QStringLiteral("b@bench.test"),
                     QStringLiteral("--team"), QStringLiteral("Load")},
                    "long enough password\n")
            ? alone.admin({QStringLiteral("--db"), database, QStringLiteral("token"),
                           QStringLiteral("issue"), QStringLiteral("b@bench.test")})
            : std::nullopt;
    if (!soloToken || !alone.start(QStringList{QStringLiteral("--db"), database} + nodeArgs)) {
        std::fprintf(stderr, "cannot start the single node\n");
        return 1;
    }
    const Run solo = measure(
        {alone.url()}, {alone.url(), alone.url(), alone.url()}, *soloToken,
        [&] { return cpuSeconds(alone.process().processId()); }, options, rates,
        [&] {
            std::printf("single node holds %d sockets in %.1f MB resident\n", options.sockets,
                        bench::residentMegabytesOf(alone.process().processId()));
        });
    alone.stop();
    report("single node (PostgreSQL, no Redis)", solo, options);

    test::ClusterFixture cluster(3, nodeArgs);
    if (!cluster.start(&why)) {
        std::fprintf(stderr, "cannot start the cluster: %s\n", qPrintable(why));
        return 1;
    }
    const auto token =
        cluster.addUserWithToken(QStringLiteral("b@bench.test"), QStringLiteral("Load"));
    if (!token)
        return 1;
    const Run three = measure(
        {cluster.balancerUrl()}, {cluster.nodeUrl(0), cluster.nodeUrl(1), cluster.nodeUrl(2)},
        *token,
        [&] {
            double cpu = 0;
            for (int i = 0; i < cluster.nodeCount(); ++i)
                cpu += cpuSeconds(cluster.node(i).process().processId());
            return cpu;
        },
        options, rates,
        [&] {
            for (int i = 0; i < cluster.nodeCount(); ++i)
                std::printf("cluster node %d: %.1f MB resident\n", i,
                            bench::residentMegabytesOf(cluster.node(i).process().processId()));
        });
    report("three nodes behind nginx (receivers through nginx, one writer per node)", three,
           options);
    const auto metrics = cluster.get(0, QStringLiteral("/metrics")).second;
    for (const auto& line : metrics.split('\n')) {
        if (line.startsWith("crm_cluster_"))
            std::printf("  node 0 %s\n", line.constData());
    }

    // Redis down: other nodes' changes come from the database's log (polled every 200 ms).
    cluster.killRedis();
    waitFor(
        [&] { return cluster.get(0, QStringLiteral("/api/ready")).second.contains("degraded"); },
        10000);
    Options few = options;
    few.edits = std::max(12, options.edits / 3);
    const Run degraded = measure({cluster.balancerUrl()},
                                 {cluster.nodeUrl(0), cluster.nodeUrl(1), cluster.nodeUrl(2)},
                                 *token, [] { return 0.0; }, few, {10});
    std::printf("three nodes, Redis down (degraded: changes of other nodes read from the log)\n");
    for (const auto& [rate, ms] : degraded.latencies)
        std::printf("  %4d creates/s: delivered %zu/%lld, p50 %7.2f ms, p99 %7.2f ms\n", rate,
                    ms.size(), static_cast<long long>(few.edits) * few.sockets, percentile(ms, 0.5),
                    percentile(ms, 0.99));
    return 0;
}
