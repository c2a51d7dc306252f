// crm-desktop figures (offscreen):
//  - launch to a populated main window with N cached records (store opened, every model built,
//    window shown and painted once);
//  - the UI's longest event-loop stall while remote changes arrive at a steady rate, with the
//    table sorted by the changing column and the changed record open in the editor;
//  - resident memory before and after that stream (growth beyond caches would show here).
// Changes enter as the server's live events do (no network), so only the client is measured.
// Usage: bench_desktop [--records N] [--rate changes-per-second] [--seconds S]
#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "bench/benchsupport.h"
#include "realtime/ackresponder.h"
#include "ui/mainwindow.h"
#include "ui/recordtablepane.h"

#include <cstdio>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

using namespace crm;

namespace {

QStringList seed(const QString& profile, int records)
{
    QString error;
    auto store = LocalStore::openProfile(profile, &error);
    return bench::seedEscrows(*store, records);
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("crm.*.info=false"));
    int records = 100000;
    int rate = 1000;
    int seconds = 10;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QStringLiteral("--records"))
            records = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--rate"))
            rate = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--seconds"))
            seconds = std::max(1, args[i + 1].toInt());
    }
    QTemporaryDir dir;
    const QString profile = dir.filePath(QStringLiteral("profile"));
    const QStringList ids = seed(profile, records);

    QElapsedTimer launch;
    launch.start();
    DesktopSession session(QUrl(QStringLiteral("http://127.0.0.1:9")), profile);
    QString error;
    session.open(&error);
    const Workspace workspace = workspaceOf(session, QStringLiteral("bench"));
    MainWindow window(workspace);
    window.show();
    window.grab(); // one full paint
    const double launchMs = static_cast<double>(launch.nsecsElapsed()) / 1e6;
    std::printf("launch to a painted main window with %d cached records: %.0f ms (target < 1500 ms)"
                "; RSS %.0f MB\n",
                window.pane(0)->table()->rowCount(), launchMs, bench::residentMegabytes());

    // The agent sorts by price and has a record open while the team edits prices.
    window.pane(0)->tableView()->sortByColumn(2, Qt::DescendingOrder);
    window.openRecord(QStringLiteral("escrows"), ids.at(7));
    QCoreApplication::processEvents();
    const double rssBefore = bench::residentMegabytes();

    QElapsedTimer pulse;
    pulse.start();
    qint64 lastTick = pulse.nsecsElapsed();
    qint64 longestStallNs = 0;
    QTimer heartbeat;
    heartbeat.setInterval(1);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = pulse.nsecsElapsed();
        longestStallNs = std::max(longestStallNs, now - lastTick);
        lastTick = now;
    });
    // Changes come in 10 ms ticks, as a steady live stream does.
    const int perTick = std::max(1, rate / 100);
    qint64 seq = 2;
    int sent = 0;
    const int total = rate * seconds;
    QTimer feed;
    feed.setInterval(10);
    QObject::connect(&feed, &QTimer::timeout, [&] {
        for (int i = 0; i < perTick && sent < total; ++i, ++sent, ++seq) {
            const QString id = ids.at(static_cast<qsizetype>((seq * 7919) % ids.size()));
            emit session.connection().eventReceived(
                QStringLiteral("escrow:updated"),
                {QJsonObject{
                    {QStringLiteral("module"), QStringLiteral("escrows")},
                    {QStringLiteral("id"), id},
                    {QStringLiteral("kind"), QStringLiteral("updated")},
                    {QStringLiteral("version"), seq},
                    {QStringLiteral("seq"), seq},
                    {QStringLiteral("fields"), QJsonObject{{QStringLiteral("purchasePrice"),
                                                            400000 + (seq * 7919) % 900000}}},
                    {QStringLiteral("by"),
                     QJsonObject{{QStringLiteral("id"), QStringLiteral("u2")},
                                 {QStringLiteral("name"), QStringLiteral("Ben")}}},
                    {QStringLiteral("clientId"), QStringLiteral("teammate")}}},
                AckResponder());
        }
        if (sent >= total)
            feed.stop();
    });
    QElapsedTimer stream;
    stream.start();
    heartbeat.start();
    feed.start();
    while (feed.isActive() || window.pane(0)->table()->queuedChanges() > 0)
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    QCoreApplication::processEvents();
    heartbeat.stop();
    std::printf("%d remote changes at %d/s over %.1f s, table sorted by the changing column, "
                "record open: longest UI stall %.1f ms (target < 16 ms)\n",
                total, rate, static_cast<double>(stream.nsecsElapsed()) / 1e9,
                static_cast<double>(longestStallNs) / 1e6);
    std::printf("resident memory: %.0f MB before the stream, %.0f MB after (target < 400 MB)\n",
                rssBefore, bench::residentMegabytes());
    return 0;
}
