#include "server/cluster/redisaddress.h"

#include <QCoreApplication>
#include <QUrl>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-server", text);
}

} // namespace

std::optional<RedisAddress> RedisAddress::parse(const QString& text, QString* error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QStringLiteral("redis")) {
        *error = tr("'%1' is not a redis:// URL (redis://HOST:PORT/DB)")
                     .arg(url.isValid() ? url.toString(QUrl::RemovePassword) : text.left(80));
        return std::nullopt;
    }
    if (url.host().isEmpty()) {
        *error = tr("a redis:// URL needs a host (redis://127.0.0.1:6379/0)");
        return std::nullopt;
    }
    RedisAddress address;
    address.host = url.host();
    const int port = url.port(6379);
    if (port < 1 || port > 65535) {
        *error = tr("%1 is not a port").arg(port);
        return std::nullopt;
    }
    address.port = static_cast<quint16>(port);
    const QString path = url.path().mid(1);
    if (!path.isEmpty()) {
        bool ok = false;
        address.database = path.toInt(&ok);
        if (!ok || address.database < 0 || address.database > 15) {
            *error = tr("'%1' is not a Redis database number (0 to 15)").arg(path);
            return std::nullopt;
        }
    }
    address.password = url.password();
    return address;
}

QString RedisAddress::display() const
{
    return QStringLiteral("redis://%1:%2/%3").arg(host).arg(port).arg(database);
}

QByteArray RedisAddress::channel() const
{
    return "crm-cluster/" + QByteArray::number(database);
}

} // namespace crm
