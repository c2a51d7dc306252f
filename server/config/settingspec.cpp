#include "server/config/settingspec.h"

#include <QCoreApplication>
#include <QStandardPaths>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-server", text);
}

// The data folder systemd made for the service (StateDirectory=, /var/lib/crm-server), else the
// user's own (~/.local/share/crm-server) for a server started by hand.
QString defaultDataDir()
{
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(u':', 0, 0);
    return state.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                           : state;
}

QList<SettingSpec> makeTable()
{
    using Kind = SettingSpec::Kind;
    return {
        {QStringLiteral("data"),
         QStringLiteral("CRM_DATA"),
         Kind::Path,
         defaultDataDir(),
         QStringLiteral("dir"),
         tr("Data folder: the signing secret and, with SQLite, the database."),
         0,
         0,
         {}},
        {QStringLiteral("db"),
         QStringLiteral("CRM_DB_URL"),
         Kind::Database,
         QString(),
         QStringLiteral("url"),
         tr("Database: empty for SQLite in the data folder, an SQLite file elsewhere, or "
            "postgresql://user@host:port/name?sslmode=verify-full (libpq options pass through; "
            "the password belongs in db-password-file or PGPASSFILE, not here)."),
         0,
         0,
         {}},
        {QStringLiteral("db-password-file"),
         QStringLiteral("CRM_DB_PASSWORD_FILE"),
         Kind::Path,
         QString(),
         QStringLiteral("file"),
         tr("File holding the PostgreSQL password (its first line)."),
         0,
         0,
         {}},
        {QStringLiteral("redis"),
         QStringLiteral("CRM_REDIS_URL"),
         Kind::Redis,
         QString(),
         QStringLiteral("url"),
         tr("Redis of a cluster (redis://host:6379/0): run as one of several nodes sharing one "
            "PostgreSQL database. Empty: a single node."),
         0,
         0,
         {}},
        {QStringLiteral("host"),
         QStringLiteral("CRM_HOST"),
         Kind::Address,
         QStringLiteral("127.0.0.1"),
         QStringLiteral("address"),
         tr("Address to listen on (0.0.0.0 or :: for every interface)."),
         0,
         0,
         {}},
        {QStringLiteral("port"),
         QStringLiteral("CRM_PORT"),
         Kind::Port,
         QStringLiteral("8787"),
         QStringLiteral("port"),
         tr("Port to listen on (0 picks a free one)."),
         0,
         65535,
         {}},
        {QStringLiteral("tls-cert"),
         QStringLiteral("CRM_TLS_CERT"),
         Kind::Path,
         QString(),
         QStringLiteral("file"),
         tr("PEM certificate chain (fullchain.pem): serve https:// and wss://."),
         0,
         0,
         {}},
        {QStringLiteral("tls-key"),
         QStringLiteral("CRM_TLS_KEY"),
         Kind::Path,
         QString(),
         QStringLiteral("file"),
         tr("PEM private key (EC or RSA) of tls-cert."),
         0,
         0,
         {}},
        {QStringLiteral("ping-interval"),
         QStringLiteral("CRM_PING_INTERVAL"),
         Kind::Integer,
         QStringLiteral("25000"),
         QStringLiteral("ms"),
         tr("Engine.IO ping interval in milliseconds."),
         100,
         600000,
         {}},
        {QStringLiteral("access-ttl"),
         QStringLiteral("CRM_ACCESS_TTL"),
         Kind::Integer,
         QStringLiteral("900"),
         QStringLiteral("s"),
         tr("Access token lifetime in seconds."),
         10,
         86400,
         {}},
        {QStringLiteral("max-sockets-per-user"),
         QStringLiteral("CRM_MAX_SOCKETS_PER_USER"),
         Kind::Integer,
         QStringLiteral("10"),
         QStringLiteral("n"),
         tr("Sockets one user may have open at once."),
         1,
         100000,
         {}},
        {QStringLiteral("rate-limit"),
         QStringLiteral("CRM_RATE_LIMIT"),
         Kind::Number,
         QStringLiteral("50"),
         QStringLiteral("n"),
         tr("Events per second one socket may send (bursts of twice that)."),
         1,
         10000000,
         {}},
        {QStringLiteral("drain-timeout"),
         QStringLiteral("CRM_DRAIN_TIMEOUT"),
         Kind::Integer,
         QStringLiteral("10"),
         QStringLiteral("s"),
         tr("On SIGTERM, how long to let work in progress finish before exiting."),
         0,
         600,
         {}},
        {QStringLiteral("trusted-proxies"),
         QStringLiteral("CRM_TRUSTED_PROXIES"),
         Kind::Addresses,
         QString(),
         QStringLiteral("addresses"),
         tr("Proxies (nginx) whose X-Forwarded-For names the client: sign-in throttling and the "
            "access log then see the client's address, not the proxy's. Comma-separated IPs."),
         0,
         0,
         {}},
        {QStringLiteral("metrics-token-file"),
         QStringLiteral("CRM_METRICS_TOKEN_FILE"),
         Kind::Path,
         QString(),
         QStringLiteral("file"),
         tr("File holding a token /metrics then requires (Authorization: Bearer ...)."),
         0,
         0,
         {}},
        {QStringLiteral("log-format"),
         QStringLiteral("CRM_LOG_FORMAT"),
         Kind::Choice,
         QStringLiteral("text"),
         QStringLiteral("text|json"),
         tr("Log lines as text (time level category: message) or one JSON object each."),
         0,
         0,
         {QStringLiteral("text"), QStringLiteral("json")}},
        {QStringLiteral("seed-demo"),
         QStringLiteral("CRM_SEED_DEMO"),
         Kind::Switch,
         QStringLiteral("false"),
         QString(),
         tr("Create the demo brokerage if the database is empty."),
         0,
         0,
         {}},
    };
}

} // namespace

const QList<SettingSpec>& SettingSpec::all()
{
    static const QList<SettingSpec> table = makeTable();
    return table;
}

const SettingSpec* SettingSpec::find(QStringView key)
{
    for (const auto& spec : all()) {
        if (spec.key == key)
            return &spec;
    }
    return nullptr;
}

} // namespace crm
