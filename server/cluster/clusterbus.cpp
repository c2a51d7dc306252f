#include "server/cluster/clusterbus.h"

#include "server/cluster/clusterlogging.h"
#include "server/cluster/redisconnection.h"

#include <QUuid>

namespace crm {

ClusterBus::ClusterBus(const RedisAddress& address, Options options, QObject* parent)
    : QObject(parent), m_address(address), m_options(options),
      m_nodeId(QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    m_publisher = new RedisConnection(address, {}, this);
    m_subscriber = new RedisConnection(address, {}, this);
    for (RedisConnection* connection : {m_publisher, m_subscriber}) {
        connect(connection, &RedisConnection::ready, this, &ClusterBus::updateLive);
        connect(connection, &RedisConnection::lost, this, &ClusterBus::updateLive);
    }
    connect(m_subscriber, &RedisConnection::message, this, &ClusterBus::onMessage);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] {
        publish(BusMessage::Kind::Heartbeat, {});
        expirePeers();
        checkEcho();
    });
}

ClusterBus::~ClusterBus() = default;

void ClusterBus::start()
{
    qCInfo(lcCluster).noquote() << "node" << m_nodeId << "joins the cluster on"
                                << m_address.display();
    m_publisher->open();
    m_subscriber->subscribe(m_address.channel());
    m_heartbeat.start(m_options.heartbeat);
}

bool ClusterBus::publish(BusMessage::Kind kind, const QJsonObject& body)
{
    if (!m_live)
        return false;
    const QByteArray payload = BusMessage{kind, m_nodeId, body}.encode();
    if (!m_publisher->command({"PUBLISH", m_address.channel(), payload}))
        return false;
    ++m_published;
    return true;
}

void ClusterBus::onMessage(const QByteArray&, const QByteArray& payload)
{
    const auto message = BusMessage::decode(payload);
    if (!message) {
        qCDebug(lcCluster) << "ignored a bus message this build cannot read:" << payload.left(200);
        return;
    }
    if (message->node == m_nodeId) {
        m_echo.start(); // our own, back from Redis: the subscriber hears
        return;
    }
    ++m_heard;
    const bool known = m_peers.contains(message->node);
    m_peers[message->node].start();
    if (!known || message->kind == BusMessage::Kind::Hello) {
        qCInfo(lcCluster).noquote() << "peer" << message->node << "is here";
        emit peerJoined(message->node);
    }
    emit heardFrom(*message);
}

void ClusterBus::updateLive()
{
    const bool live = m_publisher->isReady() && m_subscriber->isReady();
    if (live == m_live)
        return;
    m_live = live;
    if (!live) {
        ++m_outages;
        qCWarning(lcCluster) << "Redis is away: this node serves its own sockets and reads other "
                                "nodes' changes from the database until it is back";
    } else {
        qCInfo(lcCluster) << "cluster bus live";
        m_echo.start();
        publish(BusMessage::Kind::Hello, {});
    }
    emit liveChanged(live);
}

void ClusterBus::checkEcho()
{
    // Redis answers no PING on a subscribed connection: a subscriber whose TCP connection died
    // silently (a partition) shows only as this node no longer hearing its own heartbeats.
    const auto deaf = 3 * m_options.heartbeat;
    if (!m_live || m_echo.elapsed() < deaf.count())
        return;
    qCWarning(lcCluster) << "this node has not heard its own heartbeat for" << m_echo.elapsed()
                         << "ms: subscribing again";
    m_echo.start();
    m_subscriber->restart(tr("deaf for %1 ms").arg(deaf.count()));
}

void ClusterBus::expirePeers()
{
    for (auto it = m_peers.begin(); it != m_peers.end();) {
        if (it->elapsed() < m_options.peerExpiry.count()) {
            ++it;
            continue;
        }
        const QString node = it.key();
        it = m_peers.erase(it);
        qCWarning(lcCluster).noquote() << "peer" << node << "silent for"
                                       << m_options.peerExpiry.count() << "ms: taken for gone";
        emit peerLost(node);
    }
}

} // namespace crm
