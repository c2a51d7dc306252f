#include "support/clusterfixture.h"

#include "support/eventloop.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <unistd.h>

namespace crm::test {

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool accepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(200);
}

} // namespace

ClusterFixture::ClusterFixture(int nodes, QStringList nodeArgs) : m_extraArgs(std::move(nodeArgs))
{
    for (int i = 0; i < nodes; ++i) {
        m_ports.push_back(freePort());
        m_nodes.push_back(std::make_unique<ServerProcess>(m_dir.filePath(QStringLiteral("data"))));
    }
    m_redisPort = freePort();
    m_nginxPort = freePort();
}

ClusterFixture::~ClusterFixture()
{
    m_nodes.clear();
    for (QProcess* process : {&m_nginx, &m_redis}) {
        process->terminate();
        if (!process->waitForFinished(3000))
            process->kill();
        process->waitForFinished(3000);
    }
}

bool ClusterFixture::start(QString* why)
{
    m_database = databaseTarget(QStringLiteral("postgres"), m_dir.path(), why);
    if (m_database.isEmpty())
        return false;
    if (!startRedis()) {
        *why = QStringLiteral("redis-server did not start: ") +
               QString::fromUtf8(m_redis.readAllStandardError());
        return false;
    }
    // The first admin command creates the schema and the signing secret all nodes share.
    if (!admin({QStringLiteral("user"), QStringLiteral("list")})) {
        *why = QStringLiteral("crm-server could not set up the database");
        return false;
    }
    for (int i = 0; i < nodeCount(); ++i) {
        if (!restartNode(i)) {
            *why = QStringLiteral("node %1 did not start: %2")
                       .arg(i)
                       .arg(QString::fromUtf8(node(i).process().readAllStandardError()));
            return false;
        }
    }
    return startNginx(why);
}

QStringList ClusterFixture::nodeArgs() const
{
    // nginx reaches the nodes from loopback: its X-Forwarded-For names the client.
    return QStringList{QStringLiteral("--db"),
                       m_database,
                       QStringLiteral("--redis"),
                       QStringLiteral("redis://127.0.0.1:%1/0").arg(m_redisPort),
                       QStringLiteral("--trusted-proxies"),
                       QStringLiteral("127.0.0.1")} +
           m_extraArgs;
}

std::optional<QString> ClusterFixture::admin(const QStringList& args, const QByteArray& input)
{
    return m_nodes.front()->admin(QStringList{QStringLiteral("--db"), m_database} + args, input);
}

std::optional<QString> ClusterFixture::addUserWithToken(const QString& email, const QString& team)
{
    if (!admin(
            {QStringLiteral("user"), QStringLiteral("add"), email, QStringLiteral("--team"), team},
            "long enough password\n"))
        return std::nullopt;
    return admin({QStringLiteral("token"), QStringLiteral("issue"), email});
}

bool ClusterFixture::restartNode(int i)
{
    node(i).kill();
    return node(i).start(nodeArgs(), m_ports.at(static_cast<size_t>(i)));
}

void ClusterFixture::killNode(int i)
{
    node(i).kill();
}

bool ClusterFixture::startRedis()
{
    if (m_redis.state() != QProcess::NotRunning)
        return true;
    m_redis.start(QStringLiteral("redis-server"),
                  {QStringLiteral("--port"), QString::number(m_redisPort), QStringLiteral("--bind"),
                   QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                   QStringLiteral("--appendonly"), QStringLiteral("no"),
                   QStringLiteral("--daemonize"), QStringLiteral("no")});
    return m_redis.waitForStarted() && waitUntil([&] { return accepts(m_redisPort); });
}

void ClusterFixture::killRedis()
{
    m_redis.kill();
    m_redis.waitForFinished(5000);
}

bool ClusterFixture::startNginx(QString* why)
{
    QFile shipped(QStringLiteral(CRM_SOURCE_DIR "/packaging/nginx/crm-server-cluster.conf"));
    if (!shipped.open(QIODevice::ReadOnly)) {
        *why = shipped.errorString();
        return false;
    }
    QString site = QString::fromUtf8(shipped.readAll());
    // The shipped upstream lists three nodes on 8787-8789: these nodes' ports instead.
    static const QRegularExpression upstream(
        QStringLiteral("server 127\\.0\\.0\\.1:\\d+ ([^;]*);"));
    const auto first = upstream.match(site);
    if (!first.hasMatch()) {
        *why = QStringLiteral("the shipped nginx config has no upstream server lines");
        return false;
    }
    QStringList servers;
    for (const quint16 port : m_ports)
        servers.append(QStringLiteral("server 127.0.0.1:%1 %2;").arg(port).arg(first.captured(1)));
    site.remove(upstream);
    site.insert(first.capturedStart(), servers.join(QStringLiteral("\n    ")));
    site.replace(QStringLiteral("listen 8080;"),
                 QStringLiteral("listen 127.0.0.1:%1;").arg(m_nginxPort));
    const QString prefix = m_dir.filePath(QStringLiteral("nginx"));
    QDir().mkpath(prefix + QStringLiteral("/tmp"));
    QString main;
    if (::geteuid() == 0)
        main += QStringLiteral("user root;\n");
    main += QStringLiteral("worker_processes 1;\npid %1/nginx.pid;\nerror_log %1/error.log warn;\n"
                           "events { worker_connections 8192; }\n"
                           "http {\n  access_log off;\n"
                           "  client_body_temp_path %1/tmp/body;\n  proxy_temp_path %1/tmp/proxy;\n"
                           "  fastcgi_temp_path %1/tmp/fastcgi;\n  uwsgi_temp_path %1/tmp/uwsgi;\n"
                           "  scgi_temp_path %1/tmp/scgi;\n")
                .arg(prefix) +
            site + QStringLiteral("\n}\n");
    QFile config(prefix + QStringLiteral("/nginx.conf"));
    if (!config.open(QIODevice::WriteOnly) || config.write(main.toUtf8()) < 0) {
        *why = config.errorString();
        return false;
    }
    config.close();
    m_nginx.start(QStringLiteral("/usr/sbin/nginx"),
                  {QStringLiteral("-e"), QStringLiteral("stderr"), QStringLiteral("-p"), prefix,
                   QStringLiteral("-c"), config.fileName(), QStringLiteral("-g"),
                   QStringLiteral("daemon off;")});
    if (!m_nginx.waitForStarted() || !waitUntil([&] {
            return accepts(m_nginxPort) || m_nginx.state() == QProcess::NotRunning;
        }) ||
        m_nginx.state() == QProcess::NotRunning) {
        *why = QStringLiteral("nginx did not start: ") +
               QString::fromUtf8(m_nginx.readAllStandardError());
        return false;
    }
    return true;
}

QUrl ClusterFixture::balancerUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_nginxPort));
}

QUrl ClusterFixture::nodeUrl(int i) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_ports.at(static_cast<size_t>(i))));
}

std::pair<int, QByteArray> ClusterFixture::get(int i, const QString& path)
{
    QNetworkAccessManager network;
    QUrl url = i < 0 ? balancerUrl() : nodeUrl(i);
    url.setPath(path);
    QNetworkReply* reply = network.get(QNetworkRequest(url));
    waitUntil([&] { return reply->isFinished(); });
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return {status, body};
}

} // namespace crm::test
