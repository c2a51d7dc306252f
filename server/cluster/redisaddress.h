#pragma once

#include <optional>
#include <QString>

namespace crm {

// Where a node finds the cluster's Redis: redis://[:PASSWORD@]HOST[:PORT][/DB]. The database
// number also names the cluster: nodes on one Redis with different numbers never hear each other
// (pub/sub ignores SELECT, so it goes into the channel's name).
struct RedisAddress
{
    QString host;
    quint16 port = 6379;
    int database = 0;
    QString password;

    // Nullopt with the reason in *error for anything else (another scheme, no host, a database
    // number outside 0-15, a port outside 1-65535).
    static std::optional<RedisAddress> parse(const QString& url, QString* error);
    // For logs: never the password.
    QString display() const;
    // The pub/sub channel of this cluster.
    QByteArray channel() const;
};

} // namespace crm
