// crm-server as a service: settings from flags, environment and file, each checked and refused
// with its name and a distinct exit status; SIGTERM drains (clients told to reconnect, exit 0);
// systemd hears READY and STOPPING; /api/ready; a database newer than the binary is refused.
#include "realtime/connectionmanager.h"
#include "server/config/exitstatus.h"
#include "server/config/serverconfig.h"
#include "server/crmserver.h"
#include "server/storage/database.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/leadcsv.h"
#include "support/listeningserver.h"
#include "support/restcall.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

struct Loaded
{
    bool ok = false;
    QString error;
    ServerConfig config;
};

// ServerConfig::load over a command line, an environment and (when given) a config file.
Loaded load(const QStringList& arguments, const QStringList& environment = {},
            const QString& fileText = {})
{
    static QTemporaryDir dir;
    QCommandLineParser parser;
    ServerConfig::addOptions(parser);
    QStringList argv{QStringLiteral("crm-server")};
    if (!fileText.isNull()) {
        QFile file(dir.filePath(QStringLiteral("crm-server.conf")));
        REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(fileText.toUtf8());
        argv << QStringLiteral("--config") << file.fileName();
    }
    REQUIRE(parser.parse(argv + arguments));
    QProcessEnvironment env;
    for (const auto& pair : environment)
        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    Loaded result;
    result.ok = result.config.load(parser, env, &result.error);
    return result;
}

struct Run
{
    int status = -1;
    QString err;
};

Run runServer(const QStringList& arguments, const QStringList& environment = {})
{
    QProcess process;
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("CRM_CONFIG"));
    for (const auto& pair : environment)
        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(CRM_SERVER_PATH), arguments);
    REQUIRE(process.waitForStarted());
    process.closeWriteChannel();
    REQUIRE(waitUntil([&] { return process.state() == QProcess::NotRunning; }, 60s));
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardError())};
}

// systemd's end of sd_notify: a datagram socket whose path goes into NOTIFY_SOCKET.
class NotifySocket
{
public:
    explicit NotifySocket(const QString& path) : m_path(path.toUtf8())
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, m_path.constData(), static_cast<size_t>(m_path.size()));
        REQUIRE(::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    }
    ~NotifySocket() { ::close(m_fd); }
    QByteArray path() const { return m_path; }
    // Everything received so far, messages separated by '|'.
    QByteArray received()
    {
        char buffer[512];
        for (;;) {
            const auto size = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (size <= 0)
                break;
            m_received += QByteArray(buffer, static_cast<int>(size)) + '|';
        }
        return m_received;
    }

private:
    QByteArray m_path;
    int m_fd = -1;
    QByteArray m_received;
};

} // namespace

TEST_CASE("Settings: the command line beats the environment, which beats the config file",
          "[server][config]")
{
    const auto loaded = load({QStringLiteral("--port"), QStringLiteral("9001")},
                             {QStringLiteral("CRM_PORT=9002"), QStringLiteral("CRM_HOST=0.0.0.0"),
                              QStringLiteral("CRM_RATE_LIMIT=20")},
                             QStringLiteral("# a brokerage's settings\n"
                                            "port = 9003\nhost = 127.0.0.1\nrate-limit = 10\n"
                                            "access-ttl = 600\n  max-sockets-per-user=\"4\"\n"));
    INFO(loaded.error.toStdString());
    REQUIRE(loaded.ok);
    const ServerConfig& config = loaded.config;
    CHECK(config.value(u"port") == QStringLiteral("9001"));
    CHECK(config.origin(u"port") == QStringLiteral("--port"));
    CHECK(config.value(u"host") == QStringLiteral("0.0.0.0"));
    CHECK(config.origin(u"host") == QStringLiteral("CRM_HOST"));
    CHECK(config.value(u"access-ttl") == QStringLiteral("600"));
    CHECK(config.origin(u"access-ttl").endsWith(QStringLiteral("crm-server.conf:5")));
    CHECK(config.value(u"max-sockets-per-user") == QStringLiteral("4"));
    CHECK(config.value(u"ping-interval") == QStringLiteral("25000"));
    CHECK(config.origin(u"ping-interval") == QStringLiteral("default"));

    CrmServerOptions options;
    QString error;
    REQUIRE(config.toOptions(&options, &error));
    CHECK(options.port == 9001);
    CHECK(options.sync.ratePerSecond == 20.0);
    CHECK(options.sync.maxSocketsPerUser == 4);
    CHECK(options.lifetimes.access == 600s);
}

TEST_CASE("Settings: every invalid value is refused, naming the setting and where it came from",
          "[server][config]")
{
    struct Case
    {
        QStringList arguments;
        QStringList environment;
        QString file;
        QString expected;
    };
    const QList<Case> cases{
        {{QStringLiteral("--port"), QStringLiteral("abc")},
         {},
         {},
         QStringLiteral("port: 'abc' is not a port (0-65535) (from --port)")},
        {{QStringLiteral("--port"), QStringLiteral("70000")},
         {},
         {},
         QStringLiteral("port: '70000' is not a port")},
        {{QStringLiteral("--port"), QStringLiteral("-1")}, {}, {}, QStringLiteral("port:")},
        {{},
         {QStringLiteral("CRM_RATE_LIMIT=abc")},
         {},
         QStringLiteral("rate-limit: 'abc' is not a number (from CRM_RATE_LIMIT)")},
        {{},
         {QStringLiteral("CRM_RATE_LIMIT=0")},
         {},
         QStringLiteral("rate-limit: 0 is outside 1-10000000")},
        {{}, {QStringLiteral("CRM_RATE_LIMIT=inf")}, {}, QStringLiteral("is not a number")},
        {{QStringLiteral("--access-ttl"), QStringLiteral("5")},
         {},
         {},
         QStringLiteral("access-ttl: 5 is outside 10-86400")},
        {{QStringLiteral("--access-ttl"), QStringLiteral("1e3")},
         {},
         {},
         QStringLiteral("is not a whole number")},
        {{QStringLiteral("--host"), QStringLiteral("my laptop")},
         {},
         {},
         QStringLiteral("host: 'my laptop' is not an IP address")},
        {{},
         {QStringLiteral("CRM_TRUSTED_PROXIES=10.0.0.5, nginx.local")},
         {},
         QStringLiteral("trusted-proxies: 'nginx.local' is not an IP address")},
        {{QStringLiteral("--db"), QStringLiteral("mysql://db/crm")},
         {},
         {},
         QStringLiteral("db: 'mysql://db/crm' is not a postgresql:// URL")},
        {{QStringLiteral("--db"), QStringLiteral("postgresql://db")},
         {},
         {},
         QStringLiteral("needs a host and a database name")},
        {{},
         {QStringLiteral("CRM_SEED_DEMO=maybe")},
         {},
         QStringLiteral("seed-demo: 'maybe' is not true or false")},
        {{},
         {},
         QStringLiteral("port = 8787\ncolour = blue\n"),
         QStringLiteral("crm-server.conf:2: unknown setting 'colour'")},
        {{},
         {},
         QStringLiteral("just words\n"),
         QStringLiteral("crm-server.conf:1: expected 'key = value'")},
        {{},
         {},
         QStringLiteral("ping-interval = 50\n"),
         QStringLiteral("ping-interval: 50 is outside 100-600000 (from ")},
        {{QStringLiteral("--tls-cert"), QStringLiteral("/etc/ssl/fullchain.pem")},
         {},
         {},
         QStringLiteral("tls-cert and tls-key: give both or neither")},
        {{QStringLiteral("--db-password-file"), QStringLiteral("/run/secrets/pg")},
         {},
         {},
         QStringLiteral("db-password-file: only for a postgresql:// database")},
        {{QStringLiteral("--redis"), QStringLiteral("http://cache:6379")},
         {},
         {},
         QStringLiteral("redis: 'http://cache:6379' is not a redis:// URL")},
        {{},
         {QStringLiteral("CRM_REDIS_URL=redis://cache:6379/99")},
         {},
         QStringLiteral("redis: '99' is not a Redis database number (0 to 15)")},
        {{QStringLiteral("--redis"), QStringLiteral("redis://127.0.0.1:6379/0")},
         {},
         {},
         QStringLiteral("redis: the nodes of a cluster share one PostgreSQL database")},
    };
    for (const auto& test : cases) {
        INFO(test.arguments.join(u' ').toStdString()
             << test.environment.join(u' ').toStdString() << test.file.toStdString());
        const auto loaded =
            load(test.arguments, test.environment, test.file.isEmpty() ? QString() : test.file);
        CHECK_FALSE(loaded.ok);
        CHECK(loaded.error.contains(test.expected));
    }
}

TEST_CASE("Settings: the database password comes from its file, never from the URL's owner",
          "[server][config]")
{
    QTemporaryDir dir;
    const QString secret = test::writeFile(dir.filePath(QStringLiteral("pg-password")),
                                           "s3cret pass\nignored second line\n");
    const auto loaded =
        load({QStringLiteral("--db"),
              QStringLiteral("postgresql://crm@db.example:5432/crm?sslmode=verify-full"),
              QStringLiteral("--db-password-file"), secret});
    REQUIRE(loaded.ok);
    CrmServerOptions options;
    QString error;
    REQUIRE(loaded.config.toOptions(&options, &error));
    CHECK(options.databasePassword == QStringLiteral("s3cret pass"));
    CHECK(options.database.contains(QStringLiteral("sslmode=verify-full")));

    const auto missing =
        load({QStringLiteral("--db"), QStringLiteral("postgresql://crm@db/crm"),
              QStringLiteral("--db-password-file"), dir.filePath(QStringLiteral("nope"))});
    REQUIRE(missing.ok);
    CHECK_FALSE(missing.config.toOptions(&options, &error));
    CHECK(error.contains(QStringLiteral("db-password-file: cannot read")));
}

TEST_CASE("crm-server's exit status tells a typo from a bad setting from an outage",
          "[server][config]")
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    const QStringList withData{QStringLiteral("--data"), data};

    auto bad = runServer(withData + QStringList{QStringLiteral("--port"), QStringLiteral("abc")});
    CHECK(bad.status == exitstatus::kConfig);
    CHECK(bad.err.contains(QStringLiteral("port: 'abc' is not a port")));

    auto typo = runServer(withData + QStringList{QStringLiteral("--prot"), QStringLiteral("1")});
    CHECK(typo.status == exitstatus::kUsage);
    CHECK(typo.err.contains(QStringLiteral("prot")));

    auto command = runServer(withData + QStringList{QStringLiteral("frobnicate")});
    CHECK(command.status == exitstatus::kUsage);
    CHECK(command.err.contains(QStringLiteral("unknown command 'frobnicate'")));

    auto noFile = runServer(withData + QStringList{QStringLiteral("--config"),
                                                   dir.filePath(QStringLiteral("none.conf"))});
    CHECK(noFile.status == exitstatus::kConfig);
    CHECK(noFile.err.contains(QStringLiteral("config: cannot read")));

    auto envBad = runServer(withData, {QStringLiteral("CRM_MAX_SOCKETS_PER_USER=lots")});
    CHECK(envBad.status == exitstatus::kConfig);
    CHECK(envBad.err.contains(QStringLiteral("from CRM_MAX_SOCKETS_PER_USER")));

    auto noFolder = runServer({QStringLiteral("--data"), QStringLiteral("/proc/crm-data")});
    CHECK(noFolder.status == exitstatus::kCannotCreate);

    // The port is taken by a server already running on it.
    test::ServerProcess first(data);
    REQUIRE(first.start());
    auto taken =
        runServer(withData + QStringList{QStringLiteral("--port"), QString::number(first.port())});
    CHECK(taken.status == exitstatus::kUnavailable);
    CHECK(taken.err.contains(QStringLiteral("cannot listen")));

    auto settings = runServer({QStringLiteral("--help-settings")});
    CHECK(settings.status == exitstatus::kOk);
}

TEST_CASE("A database migrated by a newer crm-server is refused, untouched", "[server][config]")
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    {
        CrmServer server;
        CrmServerOptions options;
        options.dataDir = data;
        QString error;
        REQUIRE(server.open(options, &error));
        QSqlQuery query = server.database().rawQuery();
        REQUIRE(query.exec(QStringLiteral("INSERT INTO schema_migrations (version) VALUES (%1)")
                               .arg(Database::knownSchemaVersion() + 1)));
    }
    auto refused =
        runServer({QStringLiteral("--data"), data, QStringLiteral("--port"), QStringLiteral("0")});
    CHECK(refused.status == exitstatus::kDataTooNew);
    CHECK(refused.err.contains(QStringLiteral("newer than this crm-server")));
}

TEST_CASE("SIGTERM: systemd hears STOPPING, connected clients are told to reconnect, a running "
          "import stops between slices, the process exits 0, and after the restart the clients "
          "are back and the import finishes with every row exactly once",
          "[server][service]")
{
    QTemporaryDir dir;
    NotifySocket notify(dir.filePath(QStringLiteral("notify")));
    qputenv("NOTIFY_SOCKET", notify.path());
    test::ServerProcess server(dir.filePath(QStringLiteral("data")));
    const auto token = server.addUserWithToken(QStringLiteral("ana@harbor.test"));
    REQUIRE(token);
    REQUIRE(server.start());
    qunsetenv("NOTIFY_SOCKET");
    REQUIRE(waitUntil([&] { return notify.received().contains("READY=1"); }));
    CHECK(notify.received().contains("STATUS=listening on http://127.0.0.1:"));

    ConnectionManager client(test::fastConnectionConfig(server.url()));
    client.setAuthProvider([&] { return QJsonObject{{QStringLiteral("token"), *token}}; });
    client.start();
    REQUIRE(waitUntil([&] { return client.state() == ConnectionState::Online; }));
    const auto ready = test::restCall(server.url(), {}, "GET", QStringLiteral("/api/ready"));
    CHECK(ready.httpStatus == 200);

    // An import big enough to be cut by the stop.
    const test::LeadCsv csv = test::makeLeadCsv(20000); // some rows are meant to be refused
    const auto started =
        test::restCall(server.url(), *token, "POST", QStringLiteral("/api/tasks"),
                       {{QStringLiteral("kind"), QStringLiteral("csv_import")},
                        {QStringLiteral("params"),
                         QJsonObject{{QStringLiteral("module"), QStringLiteral("leads")}}},
                        {QStringLiteral("input"), csv.text}});
    REQUIRE(started.httpStatus == 201);
    const QString task = started.body.toObject().value(QStringLiteral("id")).toString();
    auto taskNow = [&] {
        return test::restCall(server.url(), *token, "GET", QStringLiteral("/api/tasks/") + task)
            .body.toObject();
    };
    REQUIRE(
        waitUntil([&] { return taskNow().value(QStringLiteral("stepsDone")).toInt() > 0; }, 30s));

    const quint16 port = server.port();
    server.process().terminate();
    REQUIRE(waitUntil([&] { return server.process().state() == QProcess::NotRunning; }, 30s));
    CHECK(server.process().exitStatus() == QProcess::NormalExit);
    CHECK(server.process().exitCode() == exitstatus::kOk);
    CHECK(notify.received().contains("STOPPING=1"));
    // Told "going away", not "you are disconnected": the client keeps trying.
    REQUIRE(waitUntil([&] { return client.state() == ConnectionState::Reconnecting; }));

    REQUIRE(server.start({}, port));
    REQUIRE(waitUntil([&] { return client.state() == ConnectionState::Online; }, 30s));
    // The import resumes where the stop left it, and no row is there twice.
    REQUIRE(waitUntil(
        [&] {
            return taskNow().value(QStringLiteral("status")).toString() ==
                   QStringLiteral("completed");
        },
        120s));
    const auto leads =
        test::restCall(server.url(), *token, "GET", QStringLiteral("/api/records/leads"));
    const QJsonObject result = taskNow().value(QStringLiteral("result")).toObject();
    CHECK(result.value(QStringLiteral("imported")).toInt() == csv.rows - csv.bad);
    CHECK(result.value(QStringLiteral("rejected")).toInt() == csv.bad);
    CHECK(leads.body.toObject().value(QStringLiteral("total")).toInt() == csv.rows - csv.bad);
}

TEST_CASE("/api/ready says not ready when the database does not answer, while /api/health still "
          "answers",
          "[server][service]")
{
    test::ListeningServer running;
    CrmServer& server = running.server;
    const QUrl url = running.url;
    auto ready = test::restCall(url, {}, "GET", QStringLiteral("/api/ready"));
    CHECK(ready.httpStatus == 200);
    CHECK(ready.body.toObject().value(QStringLiteral("status")).toString() ==
          QStringLiteral("ready"));

    server.database().connection().close(); // the database went away under the server
    ready = test::restCall(url, {}, "GET", QStringLiteral("/api/ready"));
    CHECK(ready.httpStatus == 503);
    CHECK(ready.body.toObject()
              .value(QStringLiteral("problems"))
              .toArray()
              .contains(QStringLiteral("database unreachable")));
    CHECK(test::restCall(url, {}, "GET", QStringLiteral("/api/health")).httpStatus == 200);
}

TEST_CASE("/metrics passes promtool's check, names routes not ids, and can want a token",
          "[server][metrics]")
{
    test::ListeningServer running(
        [](CrmServerOptions& options) { options.metricsToken = "scrape-secret"; });
    const QUrl url = running.url;
    // Some traffic first: a record that is not there, twice, by two different ids.
    test::restCall(url, {}, "GET", QStringLiteral("/api/records/leads/1111"));
    test::restCall(url, {}, "GET", QStringLiteral("/api/records/leads/2222"));

    CHECK(test::restCall(url, {}, "GET", QStringLiteral("/metrics")).httpStatus == 401);
    const auto scraped =
        test::restCall(url, QStringLiteral("scrape-secret"), "GET", QStringLiteral("/metrics"));
    REQUIRE(scraped.httpStatus == 200);
    const QString text = scraped.text;
    CHECK(text.contains(QStringLiteral("crm_build_info{version=\"")));
    CHECK(text.contains(QStringLiteral("process_resident_memory_bytes ")));
    CHECK(text.contains(QStringLiteral("process_open_fds ")));
    CHECK(text.contains(
        QStringLiteral("crm_http_requests_total{route=\"/api/records/{}/{}\",code=\"401\"} 2")));
    CHECK(text.contains(
        QStringLiteral("crm_http_request_duration_seconds_count{route=\"/api/records/{}/{}\"} 2")));
    CHECK(text.contains(QStringLiteral("crm_db_query_duration_seconds_count ")));
    CHECK_FALSE(text.contains(QStringLiteral("1111")));
    CHECK_FALSE(text.contains(QStringLiteral("crm_conflicts_total")));

    QProcess promtool;
    promtool.start(QStringLiteral(CRM_PROMTOOL),
                   {QStringLiteral("check"), QStringLiteral("metrics")});
    REQUIRE(promtool.waitForStarted()); // .tools/bin/promtool (scripts/install-deps.sh)
    promtool.write(text.toUtf8());
    promtool.closeWriteChannel();
    REQUIRE(waitUntil([&] { return promtool.state() == QProcess::NotRunning; }, 30s));
    INFO(promtool.readAllStandardError().toStdString()
         << promtool.readAllStandardOutput().toStdString());
    CHECK(promtool.exitCode() == 0);
}
