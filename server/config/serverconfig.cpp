#include "server/config/serverconfig.h"

#include "server/cluster/redisaddress.h"
#include "server/crmserver.h"

#include <cmath>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-server", text);
}

const QStringList kTrue{QStringLiteral("true"), QStringLiteral("yes"), QStringLiteral("on"),
                        QStringLiteral("1")};
const QStringList kFalse{QStringLiteral("false"), QStringLiteral("no"), QStringLiteral("off"),
                         QStringLiteral("0")};

// Why a value does not fit its setting, or an empty string when it does.
QString whyNot(const SettingSpec& spec, const QString& value)
{
    using Kind = SettingSpec::Kind;
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    static const QRegularExpression integer(QStringLiteral("^-?[0-9]+$"));
    switch (spec.kind) {
    case Kind::Text:
    case Kind::Path:
        return value.contains(QChar(0)) ? tr("contains a NUL character") : QString();
    case Kind::Address:
        if (value == QStringLiteral("localhost") || !QHostAddress(value).isNull())
            return {};
        return tr("'%1' is not an IP address").arg(value);
    case Kind::Addresses:
        for (const QString& one : value.split(u',', Qt::SkipEmptyParts))
            if (QHostAddress(one.trimmed()).isNull())
                return tr("'%1' is not an IP address").arg(one.trimmed());
        return {};
    case Kind::Port:
        if (digits.match(value).hasMatch() && value.size() <= 5 && value.toInt() <= 65535)
            return {};
        return tr("'%1' is not a port (0-65535)").arg(value);
    case Kind::Integer: {
        bool ok = false;
        const qlonglong number = value.toLongLong(&ok);
        if (!integer.match(value).hasMatch() || !ok)
            return tr("'%1' is not a whole number").arg(value);
        if (number < spec.min || number > spec.max)
            return tr("%1 is outside %2-%3")
                .arg(value, QString::number(spec.min, 'f', 0), QString::number(spec.max, 'f', 0));
        return {};
    }
    case Kind::Number: {
        bool ok = false;
        const double number = value.toDouble(&ok);
        if (!ok || !std::isfinite(number))
            return tr("'%1' is not a number").arg(value);
        if (number < spec.min || number > spec.max)
            return tr("%1 is outside %2-%3")
                .arg(value, QString::number(spec.min, 'f', 0), QString::number(spec.max, 'f', 0));
        return {};
    }
    case Kind::Choice:
        return spec.choices.contains(value)
                   ? QString()
                   : tr("'%1' is not one of %2").arg(value, spec.choices.join(u'|'));
    case Kind::Switch:
        return kTrue.contains(value.toLower()) || kFalse.contains(value.toLower())
                   ? QString()
                   : tr("'%1' is not true or false").arg(value);
    case Kind::Database: {
        // Empty (SQLite in the data folder), an SQLite file elsewhere, or a PostgreSQL URL.
        if (value.isEmpty() || !value.contains(QStringLiteral("://")))
            return value.contains(QChar(0)) ? tr("contains a NUL character") : QString();
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QStringLiteral("postgresql") &&
                               url.scheme() != QStringLiteral("postgres")))
            return tr("'%1' is not a postgresql:// URL (or an SQLite file; empty: SQLite in the "
                      "data folder)")
                .arg(url.isValid() ? url.toString(QUrl::RemovePassword) : value.left(80));
        if (url.host().isEmpty() || url.path().size() < 2)
            return tr("a postgresql:// URL needs a host and a database name "
                      "(postgresql://user@host:5432/crm)");
        return {};
    }
    case Kind::Redis: {
        QString why;
        if (!value.isEmpty() && !RedisAddress::parse(value, &why))
            return why;
        return {};
    }
    }
    return {};
}

} // namespace

void ServerConfig::addOptions(QCommandLineParser& parser)
{
    parser.addOption(QCommandLineOption(
        QStringLiteral("config"),
        tr("Config file (default: $CRM_CONFIG, else %1 when it exists).").arg(kDefaultFile),
        QStringLiteral("file")));
    for (const auto& spec : SettingSpec::all()) {
        QString help = spec.description;
        if (!spec.defaultValue.isEmpty() && spec.kind != SettingSpec::Kind::Switch)
            help += tr(" Default: %1.").arg(spec.defaultValue);
        help += tr(" Env: %1.").arg(spec.env);
        parser.addOption(spec.kind == SettingSpec::Kind::Switch
                             ? QCommandLineOption(spec.key, help)
                             : QCommandLineOption(spec.key, help, spec.valueName));
    }
}

QString ServerConfig::describe()
{
    QString text = tr("Each setting, in rising precedence: its default, the config file "
                      "(key = value), the environment, the command line.\n\n");
    text += QStringLiteral("%1 %2 %3 %4\n")
                .arg(tr("flag"), -26)
                .arg(tr("environment"), -26)
                .arg(tr("file key"), -22)
                .arg(tr("default"));
    for (const auto& spec : SettingSpec::all()) {
        text += QStringLiteral("%1 %2 %3 %4\n")
                    .arg(QStringLiteral("--") + spec.key, -26)
                    .arg(spec.env, -26)
                    .arg(spec.key, -22)
                    .arg(spec.defaultValue.isEmpty() ? QStringLiteral("-") : spec.defaultValue);
    }
    return text;
}

bool ServerConfig::set(const SettingSpec& spec, const QString& value, const QString& origin,
                       QString* error)
{
    const QString trimmed = value.trimmed();
    if (const QString reason = whyNot(spec, trimmed); !reason.isEmpty()) {
        *error = tr("%1: %2 (from %3)").arg(spec.key, reason, origin);
        return false;
    }
    m_values.insert(spec.key, trimmed);
    m_origins.insert(spec.key, origin);
    return true;
}

bool ServerConfig::readFileText(const QString& text, const QString& fileName, QString* error)
{
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QString where = QStringLiteral("%1:%2").arg(fileName).arg(i + 1);
        const qsizetype equals = line.indexOf(u'=');
        if (equals <= 0) {
            *error = tr("%1: expected 'key = value', found '%2'").arg(where, line.left(80));
            return false;
        }
        const QString key = line.left(equals).trimmed();
        const SettingSpec* spec = SettingSpec::find(key);
        if (!spec) {
            *error = tr("%1: unknown setting '%2' (crm-server --help-settings lists them)")
                         .arg(where, key.left(80));
            return false;
        }
        QString value = line.mid(equals + 1).trimmed();
        // A value may be quoted to keep spaces at its ends or a '#'.
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.mid(1, value.size() - 2);
        if (!set(*spec, value, where, error))
            return false;
    }
    return true;
}

bool ServerConfig::load(const QCommandLineParser& parser, const QProcessEnvironment& environment,
                        QString* error)
{
    for (const auto& spec : SettingSpec::all()) {
        m_values.insert(spec.key, spec.defaultValue);
        m_origins.insert(spec.key, tr("default"));
    }
    // The file: named on the command line or in the environment (then it must exist), or the
    // system-wide one when there is one.
    QString file = parser.value(QStringLiteral("config"));
    if (file.isEmpty())
        file = environment.value(QStringLiteral("CRM_CONFIG"));
    const bool named = !file.isEmpty();
    if (!named && QFile::exists(kDefaultFile))
        file = kDefaultFile;
    if (!file.isEmpty()) {
        QFile config(file);
        if (!config.open(QIODevice::ReadOnly | QIODevice::Text)) {
            *error = tr("config: cannot read %1: %2").arg(file, config.errorString());
            return false;
        }
        if (config.size() > 1024 * 1024) {
            *error = tr("config: %1 is larger than 1 MB").arg(file);
            return false;
        }
        m_file = file;
        if (!readFileText(QString::fromUtf8(config.readAll()), file, error))
            return false;
    }
    for (const auto& spec : SettingSpec::all()) {
        if (environment.contains(spec.env) &&
            !set(spec, environment.value(spec.env), spec.env, error))
            return false;
    }
    for (const auto& spec : SettingSpec::all()) {
        if (!parser.isSet(spec.key))
            continue;
        const QString value = spec.kind == SettingSpec::Kind::Switch ? QStringLiteral("true")
                                                                     : parser.value(spec.key);
        if (!set(spec, value, QStringLiteral("--") + spec.key, error))
            return false;
    }
    // Settings that only make sense together.
    if (value(u"tls-cert").isEmpty() != value(u"tls-key").isEmpty()) {
        *error = tr("tls-cert and tls-key: give both or neither (tls-cert from %1, tls-key "
                    "from %2)")
                     .arg(origin(u"tls-cert"), origin(u"tls-key"));
        return false;
    }
    if (!value(u"db-password-file").isEmpty() && !value(u"db").contains(QStringLiteral("://"))) {
        *error = tr("db-password-file: only for a postgresql:// database (db is empty)");
        return false;
    }
    if (!value(u"redis").isEmpty() && !value(u"db").contains(QStringLiteral("://"))) {
        *error = tr("redis: the nodes of a cluster share one PostgreSQL database, and SQLite "
                    "serves a single node only; set db to a postgresql:// URL (redis from %1)")
                     .arg(origin(u"redis"));
        return false;
    }
    return true;
}

QString ServerConfig::value(QStringView key) const
{
    return m_values.value(key.toString());
}

bool ServerConfig::isOn(QStringView key) const
{
    return kTrue.contains(value(key).toLower());
}

QString ServerConfig::origin(QStringView key) const
{
    return m_origins.value(key.toString());
}

bool ServerConfig::toOptions(CrmServerOptions* options, QString* error) const
{
    options->dataDir = value(u"data");
    options->database = value(u"db");
    options->redis = value(u"redis");
    for (const QString& one : value(u"trusted-proxies").split(u',', Qt::SkipEmptyParts))
        options->trustedProxies.append(QHostAddress(one.trimmed()));
    if (const QString file = value(u"db-password-file"); !file.isEmpty()) {
        QFile secret(file);
        if (!secret.open(QIODevice::ReadOnly)) {
            *error = tr("db-password-file: cannot read %1: %2 (from %3)")
                         .arg(file, secret.errorString(), origin(u"db-password-file"));
            return false;
        }
        options->databasePassword = QString::fromUtf8(secret.readLine(4096)).trimmed();
    }
    if (const QString file = value(u"metrics-token-file"); !file.isEmpty()) {
        QFile secret(file);
        if (!secret.open(QIODevice::ReadOnly)) {
            *error = tr("metrics-token-file: cannot read %1: %2 (from %3)")
                         .arg(file, secret.errorString(), origin(u"metrics-token-file"));
            return false;
        }
        options->metricsToken = secret.readLine(4096).trimmed();
        if (options->metricsToken.isEmpty()) {
            *error = tr("metrics-token-file: %1 is empty").arg(file);
            return false;
        }
    }
    const QString host = value(u"host");
    options->host = host == QStringLiteral("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                        : QHostAddress(host);
    options->port = static_cast<quint16>(value(u"port").toUInt());
    options->socket.pingInterval = std::chrono::milliseconds(value(u"ping-interval").toInt());
    options->lifetimes.access = std::chrono::seconds(value(u"access-ttl").toInt());
    options->sync.maxSocketsPerUser = value(u"max-sockets-per-user").toInt();
    options->sync.ratePerSecond = value(u"rate-limit").toDouble();
    options->sync.rateBurst = 2 * options->sync.ratePerSecond;
    options->tlsCertificate = value(u"tls-cert");
    options->tlsKey = value(u"tls-key");
    options->drainTimeout = std::chrono::seconds(value(u"drain-timeout").toInt());
    return true;
}

} // namespace crm
