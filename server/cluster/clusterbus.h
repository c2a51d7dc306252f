#pragma once

#include "server/cluster/busmessage.h"
#include "server/cluster/redisaddress.h"

#include <chrono>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace crm {

class RedisConnection;

// This node's line to the other crm-server nodes of its cluster: one Redis channel, published
// to on one connection and listened to on another (Redis wants a subscriber to do nothing else).
// Redis pub/sub delivers at most once and only while connected, so nothing that must not be lost
// relies on it alone: changes are also in PostgreSQL's log (ChangeFeed fills any gap), and a
// node's whole state is published again whenever a peer says hello.
//
// Peers are known by their heartbeats; one silent for `Options::peerExpiry` (killed, cut off) is
// taken for gone, and what it held (its sessions' presence) goes with it.
class ClusterBus : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds heartbeat{1000};
        std::chrono::milliseconds peerExpiry{5000};
    };

    ClusterBus(const RedisAddress& address, Options options, QObject* parent = nullptr);
    ~ClusterBus() override;

    void start();
    QString nodeId() const { return m_nodeId; }
    // Both connections are up: what is published now reaches every live peer.
    bool isLive() const { return m_live; }
    // False (and nothing sent) while Redis is away.
    bool publish(BusMessage::Kind kind, const QJsonObject& body);
    qsizetype peerCount() const { return m_peers.size(); }
    std::uint64_t published() const { return m_published; }
    std::uint64_t heard() const { return m_heard; }
    std::uint64_t outages() const { return m_outages; }

signals:
    void liveChanged(bool live);
    void heardFrom(const BusMessage& message);
    // A new peer (or one back after an outage) wants everyone's state again.
    void peerJoined(const QString& node);
    void peerLost(const QString& node);

private:
    void onMessage(const QByteArray& channel, const QByteArray& payload);
    void updateLive();
    void expirePeers();
    void checkEcho();

    RedisAddress m_address;
    Options m_options;
    QString m_nodeId;
    RedisConnection* m_publisher = nullptr;
    RedisConnection* m_subscriber = nullptr;
    QHash<QString, QElapsedTimer> m_peers; // node -> since last heard
    QTimer m_heartbeat;
    QElapsedTimer m_echo; // since this node last heard its own message
    bool m_live = false;
    std::uint64_t m_published = 0;
    std::uint64_t m_heard = 0;
    std::uint64_t m_outages = 0;
};

} // namespace crm
