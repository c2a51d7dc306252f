// crm-cli SIGKILLed at each step of sending an edit: after the outbox write, while it cannot
// reach the server, and after the server applied the edit but before the answer arrived. A
// restart must lose nothing and apply nothing twice.
#include "realtime/restclient.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>

using namespace crm;
using namespace std::chrono_literals;

namespace {

// A TCP relay in front of the server that stops passing the server's bytes to the client the
// moment they carry an applied answer: the server has done the work, the client never hears.
// (Server-to-client WebSocket frames are not masked, so the text is visible here.)
class AckSwallowingRelay : public QObject
{
public:
    explicit AckSwallowingRelay(quint16 upstreamPort) : m_upstreamPort(upstreamPort)
    {
        REQUIRE(m_listener.listen(QHostAddress::LocalHost));
        connect(&m_listener, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* client = m_listener.nextPendingConnection()) {
                auto* server = new QTcpSocket(client);
                server->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
                connect(client, &QTcpSocket::readyRead, server,
                        [client, server] { server->write(client->readAll()); });
                connect(server, &QTcpSocket::readyRead, client, [this, client, server] {
                    const QByteArray bytes = server->readAll();
                    if (m_swallowing || bytes.contains(R"("status":"applied")")) {
                        m_swallowing = true;
                        return;
                    }
                    client->write(bytes);
                });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_listener.serverPort(); }
    bool swallowedAnAnswer() const { return m_swallowing; }

private:
    QTcpServer m_listener;
    quint16 m_upstreamPort;
    bool m_swallowing = false;
};

struct Cli
{
    QString profile;
    QString token;

    QProcess* start(const QString& server, const QStringList& args)
    {
        auto* process = new QProcess;
        process->start(QStringLiteral(CRM_CLI_PATH),
                       args + QStringList{QStringLiteral("--server"), server,
                                          QStringLiteral("--profile"), profile,
                                          QStringLiteral("--token"), token,
                                          QStringLiteral("--timeout"), QStringLiteral("20")});
        REQUIRE(process->waitForStarted());
        return process;
    }
    std::pair<int, QByteArray> run(const QString& server, const QStringList& args)
    {
        std::unique_ptr<QProcess> process(start(server, args));
        REQUIRE(test::waitUntil([&] { return process->state() == QProcess::NotRunning; }, 30s));
        return {process->exitCode(), process->readAllStandardOutput()};
    }
    static void kill(QProcess* process)
    {
        process->kill(); // SIGKILL: no cleanup, no goodbye
        REQUIRE(test::waitUntil([&] { return process->state() == QProcess::NotRunning; }));
        delete process;
    }
};

QJsonArray serverChanges(const QUrl& url, const QString& token)
{
    RestClient rest;
    rest.setBaseUrl(url);
    rest.setBearerToken(token);
    std::optional<RestReply> answer;
    RestClient::RequestOptions options;
    options.query.addQueryItem(QStringLiteral("since"), QStringLiteral("0"));
    rest.get(
        QStringLiteral("/api/changes"), [&](const RestReply& r) { answer = r; }, options);
    REQUIRE(test::waitUntil([&] { return answer.has_value(); }));
    REQUIRE(answer->ok());
    return answer->body.toObject().value(QStringLiteral("changes")).toArray();
}

} // namespace

TEST_CASE("crm-cli killed at each step of a send loses nothing and applies nothing twice",
          "[cli][crash]")
{
    test::Server server;
    QTemporaryDir profiles;
    Cli cli{profiles.filePath(QStringLiteral("agent")), server.token(server.ana)};
    const QString real = server.url().toString();

    // 1. The edit is durable once the command returns, before any network.
    auto [status, out] =
        cli.run(real, {QStringLiteral("create"), QStringLiteral("tasks"),
                       QStringLiteral("title=Order the appraisal"), QStringLiteral("--offline")});
    REQUIRE(status == 0);
    const QString id = QString::fromUtf8(out.trimmed());

    // 2. Killed while it cannot reach anyone (a listener that never answers).
    QTcpServer silent;
    REQUIRE(silent.listen(QHostAddress::LocalHost));
    QProcess* stuck = cli.start(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()),
                                {QStringLiteral("sync")});
    test::spin(700ms);
    Cli::kill(stuck);
    std::tie(status, out) = cli.run(real, {QStringLiteral("pending"), QStringLiteral("--offline")});
    CHECK(out.contains(id.toUtf8()));

    // 3. Killed after the server applied it, before the answer arrived.
    AckSwallowingRelay relay(server.server.port());
    QProcess* waiting = cli.start(QStringLiteral("http://127.0.0.1:%1").arg(relay.port()),
                                  {QStringLiteral("sync")});
    REQUIRE(test::waitUntil([&] { return relay.swallowedAnAnswer(); }));
    Cli::kill(waiting);
    std::tie(status, out) = cli.run(real, {QStringLiteral("pending"), QStringLiteral("--offline")});
    CHECK(out.contains(id.toUtf8())); // the client never heard: still queued

    // Restarted against the real server: the resend is recognised, the outbox empties.
    std::tie(status, out) = cli.run(real, {QStringLiteral("sync")});
    CHECK(status == 0);
    std::tie(status, out) = cli.run(real, {QStringLiteral("pending"), QStringLiteral("--offline")});
    CHECK(out.trimmed().isEmpty());
    std::tie(status, out) = cli.run(
        real, {QStringLiteral("get"), QStringLiteral("tasks"), id, QStringLiteral("--offline")});
    const QJsonObject record = QJsonDocument::fromJson(out).object();
    CHECK(record.value(QStringLiteral("version")).toInt() == 1);
    CHECK(record.value(QStringLiteral("fields")).toObject().value(QStringLiteral("title")) ==
          QStringLiteral("Order the appraisal"));

    // Exactly one change on the server for that record: applied once.
    int changesForRecord = 0;
    for (const auto& change : serverChanges(server.url(), server.token(server.ana)))
        changesForRecord += change.toObject().value(QStringLiteral("id")).toString() == id;
    CHECK(changesForRecord == 1);
}
