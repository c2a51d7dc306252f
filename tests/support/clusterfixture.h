#pragma once

#include "support/serverprocess.h"

#include <memory>
#include <optional>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>
#include <vector>

namespace crm::test {

// A crm-server cluster as production runs it, on loopback: one PostgreSQL database (from the
// suite's pg_virtualenv), a real redis-server, `nodes` crm-server processes sharing both (and
// one data folder, for the signing secret), and nginx in front with packaging/nginx's own
// config (only its ports rewritten). Every part can be killed and started again on its port.
class ClusterFixture
{
public:
    // `nodeArgs`: more crm-server options for every node.
    explicit ClusterFixture(int nodes = 3, QStringList nodeArgs = {});
    ~ClusterFixture();

    // Everything up; false with the reason in *why (also when PostgreSQL is not there).
    bool start(QString* why);

    QUrl balancerUrl() const;
    QUrl nodeUrl(int node) const;
    ServerProcess& node(int node) { return *m_nodes.at(static_cast<size_t>(node)); }
    int nodeCount() const { return static_cast<int>(m_nodes.size()); }
    QString databaseUrl() const { return m_database; }

    // A user of `team`, and an access token for them (admin commands on the shared database).
    std::optional<QString> addUserWithToken(const QString& email, const QString& team);
    std::optional<QString> admin(const QStringList& args, const QByteArray& input = {});

    void killNode(int node);
    bool restartNode(int node);
    void killRedis();
    bool startRedis();
    // GET path on one node (or the balancer with -1): status and body.
    std::pair<int, QByteArray> get(int node, const QString& path);

private:
    bool startNginx(QString* why);
    QStringList nodeArgs() const;

    QTemporaryDir m_dir;
    QStringList m_extraArgs;
    QString m_database;
    quint16 m_redisPort = 0;
    quint16 m_nginxPort = 0;
    std::vector<quint16> m_ports;
    std::vector<std::unique_ptr<ServerProcess>> m_nodes;
    QProcess m_redis;
    QProcess m_nginx;
};

} // namespace crm::test
