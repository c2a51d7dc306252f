// Collaborative notes end to end: two crm-desktop cores (real profiles, the product's timings)
// on a crm-server process, each behind a counting TCP relay on loopback. One agent types at a
// fast typist's pace, moving the caret as an editor does; the benchmark prints the time from a
// keystroke to the text in the colleague's copy, and the bytes on the wire per typed character
// (WebSocket frames as they cross the relays: the typist's way up, the colleague's way down).
//   bench_note_typing [--chars N] [--interval-ms M]
#include "core/clientcore.h"
#include "processfigures.h"
#include "realtime/restclient.h"
#include "support/serverprocess.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

using namespace crm;

namespace {

// Relays every connection to the server and counts the bytes each way.
class CountingRelay : public QObject
{
public:
    explicit CountingRelay(quint16 serverPort) : m_serverPort(serverPort)
    {
        m_listener.listen(QHostAddress::LocalHost, 0);
        connect(&m_listener, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* client = m_listener.nextPendingConnection()) {
                auto* server = new QTcpSocket(client);
                server->connectToHost(QHostAddress::LocalHost, m_serverPort);
                client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                server->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                connect(client, &QTcpSocket::readyRead, server, [this, client, server] {
                    const QByteArray bytes = client->readAll();
                    up += bytes.size();
                    server->write(bytes);
                });
                connect(server, &QTcpSocket::readyRead, client, [this, client, server] {
                    const QByteArray bytes = server->readAll();
                    down += bytes.size();
                    client->write(bytes);
                });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
                connect(server, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
            }
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_listener.serverPort()));
    }

    qint64 up = 0;   // client -> server
    qint64 down = 0; // server -> client

private:
    QTcpServer m_listener;
    quint16 m_serverPort;
};

std::unique_ptr<ClientCore> openCore(const QUrl& url, const QString& token, const QString& path)
{
    QString error;
    auto store = LocalStore::open(path, &error);
    if (!store)
        return nullptr;
    ConnectionConfig config; // the product's own timings
    config.serverUrl = url;
    config.watchNetwork = false;
    config.detectResume = false;
    auto core = std::make_unique<ClientCore>(config, std::move(store));
    core->setTokenSource([token] { return token; });
    return core;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser options;
    options.addOption({QStringLiteral("chars"), QStringLiteral("Characters to type."),
                       QStringLiteral("N"), QStringLiteral("400")});
    options.addOption({QStringLiteral("interval-ms"),
                       QStringLiteral("Time between keystrokes (a fast typist: 60 ms)."),
                       QStringLiteral("M"), QStringLiteral("60")});
    options.process(app);
    const int chars = options.value(QStringLiteral("chars")).toInt();
    const int interval = options.value(QStringLiteral("interval-ms")).toInt();

    QTemporaryDir dir;
    test::ServerProcess server(dir.filePath(QStringLiteral("server")));
    const auto alexToken = server.addUserWithToken(QStringLiteral("alex@bench.test"));
    const auto samToken = server.addUserWithToken(QStringLiteral("sam@bench.test"));
    if (!alexToken || !samToken || !server.start())
        return std::fprintf(stderr, "bench_note_typing: cannot start crm-server\n"), 1;

    RestClient rest;
    rest.setBaseUrl(server.url());
    rest.setBearerToken(*alexToken);
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    bool created = false;
    rest.post(QStringLiteral("/api/records/escrows"),
              QJsonObject{{QStringLiteral("id"), id},
                          {QStringLiteral("fields"),
                           QJsonObject{{QStringLiteral("number"), QStringLiteral("ESC-BENCH")}}}},
              [&](const RestReply& reply) { created = reply.ok(); });
    if (!bench::waitFor([&] { return created; }, 10000))
        return std::fprintf(stderr, "bench_note_typing: cannot create the escrow\n"), 1;

    CountingRelay alexRelay(server.port()), samRelay(server.port());
    auto alex = openCore(alexRelay.url(), *alexToken, dir.filePath(QStringLiteral("alex.sqlite")));
    auto sam = openCore(samRelay.url(), *samToken, dir.filePath(QStringLiteral("sam.sqlite")));
    if (!alex || !sam)
        return std::fprintf(stderr, "bench_note_typing: cannot open the profiles\n"), 1;
    alex->start();
    sam->start();
    const NoteRef note{QStringLiteral("escrows"), id};
    NoteSession* typist = alex->openNote(
        note, {QStringLiteral("Alex"), QStringLiteral("#0e7490"), QStringLiteral("alex")});
    NoteSession* reader = sam->openNote(
        note, {QStringLiteral("Sam"), QStringLiteral("#7c3aed"), QStringLiteral("sam")});
    if (!bench::waitFor(
            [&] {
                return typist->sync() == NoteSession::Sync::Live &&
                       reader->sync() == NoteSession::Sync::Live;
            },
            15000))
        return std::fprintf(stderr, "bench_note_typing: the notes did not go live\n"), 1;
    typist->edit(0, 0, QStringLiteral("Inspection report: "));
    bench::waitFor([&] { return reader->text() == typist->text(); }, 5000);

    std::vector<double> latencies;
    QElapsedTimer since;
    qsizetype expected = 0;
    QObject::connect(reader, &NoteSession::textChanged, reader, [&] {
        if (reader->text().size() == expected && since.isValid())
            latencies.push_back(double(since.nsecsElapsed()) / 1e6);
    });
    const qint64 upBefore = alexRelay.up, downBefore = samRelay.down;
    const QString words = QStringLiteral("the buyer asked for a second look at the roof ");
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < chars; ++i) {
        const qsizetype at = typist->text().size();
        expected = at + 1;
        since.start();
        typist->edit(at, 0, QString(words.at(i % words.size())));
        typist->setCaret(at + 1, at + 1); // as the editor does after each key
        bench::waitFor([] { return false; }, interval, 1);
    }
    bench::waitFor([&] { return reader->text() == typist->text(); }, 10000);
    bench::waitFor([] { return false; }, 300); // the last caret and acks
    const double seconds = double(wall.elapsed()) / 1000.0;
    const qint64 up = alexRelay.up - upBefore, down = samRelay.down - downBefore;

    std::printf("bench_note_typing: %d characters typed one by one every %d ms (%.0f per second), "
                "caret sent as an editor does\n",
                chars, interval, chars / seconds);
    std::printf("keystroke to the colleague's copy: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
                "(target under 50 ms), %zu of %d measured\n",
                bench::percentile(latencies, 0.5), bench::percentile(latencies, 0.99),
                bench::percentile(latencies, 1.0), latencies.size(), chars);
    std::printf("bytes on the wire per typed character: typist up %.1f, colleague down %.1f "
                "(target under 40 on average; updates, acks, carets and heartbeats)\n",
                double(up) / chars, double(down) / chars);
    std::printf("copies equal: %s\n", reader->text() == typist->text() ? "yes" : "NO");
    return reader->text() == typist->text() ? 0 : 1;
}
