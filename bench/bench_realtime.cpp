// Realtime layer figures:
//  1. codec: encode + decode of a typical ~250-byte event frame, packets/s on one core;
//  2. ack round trip over loopback: ConnectionManager -> crm-server (a separate process) ->
//     ack, p50 / p99 over N sequential acks.
// Usage: bench_realtime [--acks N] [--codec-seconds S]
#include "protocol/engineiocodec.h"
#include "protocol/socketiocodec.h"
#include "realtime/connectionmanager.h"
#include "support/serverprocess.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTimer>
#include <vector>

using namespace crm;

namespace {

QJsonObject typicalChange()
{
    return QJsonObject{
        {QStringLiteral("module"), QStringLiteral("escrows")},
        {QStringLiteral("id"), QStringLiteral("6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31")},
        {QStringLiteral("fields"),
         QJsonObject{{QStringLiteral("purchasePrice"), 1249000},
                     {QStringLiteral("status"), QStringLiteral("pending")},
                     {QStringLiteral("closeDate"), QStringLiteral("2026-12-18")}}},
        {QStringLiteral("version"), 17},
        {QStringLiteral("seq"), 1048576},
        {QStringLiteral("by"), QStringLiteral("u-7d2e")},
        {QStringLiteral("at"), QStringLiteral("2026-11-22T10:18:00.000Z")}};
}

// Runs `step` in batches of 1000 for about `seconds`; returns operations per second.
template <typename Step> double rate(double seconds, Step step)
{
    qint64 operations = 0;
    QElapsedTimer timer;
    timer.start();
    const qint64 budgetNs = static_cast<qint64>(seconds * 1e9);
    while (timer.nsecsElapsed() < budgetNs) {
        for (int i = 0; i < 1000; ++i)
            step();
        operations += 1000;
    }
    return static_cast<double>(operations) / (static_cast<double>(timer.nsecsElapsed()) / 1e9);
}

void benchCodec(double seconds)
{
    const auto packet =
        socketio::Packet::event(QStringLiteral("escrow:updated"), {typicalChange()}, 42);
    const QString sample = socketio::encodeFrame(packet);
    std::printf("codec: frame of %lld bytes: %s...\n",
                static_cast<long long>(engineio::wireSize(sample)), qPrintable(sample.left(72)));

    qint64 checksum = 0;
    const double encodeRate =
        rate(seconds / 3, [&] { checksum += socketio::encodeFrame(packet).size(); });
    const double decodeRate = rate(seconds / 3, [&] {
        const auto eio = engineio::decode(sample);
        checksum += socketio::decode(eio.value().data).value().id;
    });
    const double bothRate = rate(seconds / 3, [&] {
        const QString frame = socketio::encodeFrame(packet);
        const auto eio = engineio::decode(frame);
        checksum += socketio::decode(eio.value().data).value().id;
    });
    std::printf("codec: encode %.0f/s, decode %.0f/s, encode+decode %.0f packets/s "
                "(target 1,000,000/s; %.2f us each; checksum %lld)\n",
                encodeRate, decodeRate, bothRate, 1e6 / bothRate, static_cast<long long>(checksum));
}

int benchAcks(int count)
{
    // A throwaway crm-server with one user, and an access token for them. Sequential acks as
    // fast as possible: the per-socket rate limit is lifted for this measurement.
    QTemporaryDir dataDir;
    test::ServerProcess server(dataDir.path());
    const auto token = server.addUserWithToken(QStringLiteral("bench@bench.test"));
    if (!token || !server.start({QStringLiteral("--rate-limit"), QStringLiteral("1000000")})) {
        std::fprintf(stderr, "cannot start crm-server at %s\n", CRM_SERVER_PATH);
        return 1;
    }
    const QUrl url = server.url();

    ConnectionConfig config;
    config.serverUrl = url;
    config.watchNetwork = false;
    ConnectionManager manager(config);
    manager.setAuthProvider([token] { return QJsonObject{{QStringLiteral("token"), *token}}; });

    std::vector<double> rounds;
    rounds.reserve(static_cast<size_t>(count));
    const QJsonArray args{typicalChange()};
    int warmup = 500;
    std::function<void()> next = [&] {
        QElapsedTimer rtt;
        rtt.start();
        manager.emitWithAck(QStringLiteral("echo"), args, [&, rtt](const AckOutcome& outcome) {
            if (!outcome.ok()) {
                std::fprintf(stderr, "ack failed: %s\n", qPrintable(outcome.error));
                QCoreApplication::exit(1);
                return;
            }
            if (warmup > 0)
                --warmup;
            else
                rounds.push_back(static_cast<double>(rtt.nsecsElapsed()) / 1000.0);
            if (static_cast<int>(rounds.size()) == count)
                QCoreApplication::exit(0);
            else
                next();
        });
    };
    QObject::connect(&manager, &ConnectionManager::stateChanged, &manager,
                     [&](ConnectionState state) {
                         if (state == ConnectionState::Online)
                             next();
                     });
    QTimer::singleShot(std::chrono::minutes(2), [] { QCoreApplication::exit(2); });
    manager.start();
    const int rc = QCoreApplication::exec();
    manager.stop();
    server.stop();
    if (rc != 0)
        return rc;

    std::sort(rounds.begin(), rounds.end());
    auto pct = [&](double p) {
        return rounds[std::min(rounds.size() - 1,
                               static_cast<size_t>(p * static_cast<double>(rounds.size())))];
    };
    std::printf("acks: %d sequential emit->ack round trips to crm-server over loopback "
                "(separate process, %d warm-up): p50 %.0f us, p90 %.0f us, p99 %.0f us, "
                "max %.0f us\n",
                count, 500, pct(0.50), pct(0.90), pct(0.99), rounds.back());
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("crm.*.info=false"));
    int acks = 10000;
    double codecSeconds = 3.0;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--acks"))
            acks = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--codec-seconds"))
            codecSeconds = std::max(0.1, args[i + 1].toDouble());
    }
    benchCodec(codecSeconds);
    return benchAcks(acks);
}
