// SyncHub's cluster half: what it tells the other nodes and what it does with what they say
// (docs/architecture.md, "Scaling out"). Kept apart from synchub.cpp, which is the hub's work
// with its own sockets.
#include "server/cluster/busmessage.h"
#include "server/cluster/clusterbus.h"
#include "server/sync/synchub.h"
#include "server/sync/synclogging.h"
#include "server/tasks/taskrunner.h"

namespace crm {

namespace {

// A node hears every change of every node at once while Redis is up; the log is still read
// now and then for one a killed node committed but never announced.
constexpr std::chrono::milliseconds kPollLive{1000};
// While Redis is away the log is the only way other nodes' changes arrive.
constexpr std::chrono::milliseconds kPollDegraded{200};

} // namespace

void SyncHub::joinCluster(ClusterBus* bus)
{
    m_cluster = bus;
    connect(bus, &ClusterBus::heardFrom, this, &SyncHub::onBusMessage);
    connect(bus, &ClusterBus::liveChanged, this, &SyncHub::onClusterLive);
    connect(bus, &ClusterBus::peerJoined, this, &SyncHub::publishAllSessions);
    connect(bus, &ClusterBus::peerLost, this, &SyncHub::peerLost);
    onClusterLive(bus->isLive());
}

void SyncHub::onClusterLive(bool live)
{
    m_feed.setPollInterval(live ? kPollLive : kPollDegraded);
    if (!live)
        return;
    // Whatever was missed while away comes from the log, before anything heard from now on.
    m_feed.catchUp();
    // The peers may have let this node's sessions expire meanwhile.
    publishAllSessions();
}

void SyncHub::onBusMessage(const BusMessage& message)
{
    switch (message.kind) {
    case BusMessage::Kind::Change:
        if (const auto change = ChangeEntry::fromJson(message.body))
            m_feed.offer(*change);
        else
            qCWarning(lcSync) << "a change from node" << message.node << "could not be read";
        return;
    case BusMessage::Kind::Sessions: {
        const QString userId = message.body.value(QStringLiteral("userId")).toString();
        const QString brokerageId = message.body.value(QStringLiteral("brokerageId")).toString();
        if (userId.isEmpty())
            return;
        QList<PresenceRegistry::SessionState> sessions;
        for (const auto& entry : message.body.value(QStringLiteral("sessions")).toArray()) {
            if (auto state = PresenceRegistry::SessionState::fromJson(entry.toObject()))
                sessions.append(*state);
        }
        const int sockets = message.body.value(QStringLiteral("sockets")).toInt();
        if (sockets > 0)
            m_remoteSockets[message.node].insert(userId, sockets);
        else
            m_remoteSockets[message.node].remove(userId);
        m_presence.setRemote(message.node, userId, sessions);
        Identity who;
        who.userId = userId;
        who.brokerageId = brokerageId;
        presenceChanged(who, false, Origin::Peer);
        return;
    }
    case BusMessage::Kind::Picture:
        sendPicture(message.body.value(QStringLiteral("picture")).toObject(),
                    message.body.value(QStringLiteral("brokerageId")).toString());
        return;
    case BusMessage::Kind::TaskCancel:
        if (const auto task =
                TaskRef::fromJson(message.body.value(QStringLiteral("task")).toObject());
            task.ok())
            sendCancelLocally(message.body.value(QStringLiteral("ownerId")).toString(),
                              message.body.value(QStringLiteral("clientId")).toString(),
                              task.value());
        return;
    case BusMessage::Kind::TaskStop:
        if (m_tasks)
            m_tasks->cancelHere(message.body.value(QStringLiteral("taskId")).toString());
        return;
    case BusMessage::Kind::TaskEvent: {
        auto task = Task::fromJson(message.body.value(QStringLiteral("task")).toObject());
        const QString event = message.body.value(QStringLiteral("event")).toString();
        if (!task.ok() || !event.startsWith(QStringLiteral("ai:task:")))
            return;
        AgentTask whole;
        static_cast<Task&>(whole) = std::move(task).value();
        whole.brokerageId = message.body.value(QStringLiteral("brokerageId")).toString();
        whole.clientId = message.body.value(QStringLiteral("clientId")).toString();
        sendTaskEvent(whole, event);
        return;
    }
    case BusMessage::Kind::Hello:
        // What it held before it said hello again (a restart, an outage) may be stale: it
        // publishes its current sessions next.
        peerLost(message.node);
        return;
    case BusMessage::Kind::Heartbeat:
        return; // the bus keeps track of peers
    case BusMessage::Kind::NoteUpdate:
    case BusMessage::Kind::NoteCarets:
        return; // NoteHub's
    case BusMessage::Kind::SignIn:
        return; // the REST API's throttle (CrmServer)
    }
}

void SyncHub::publishSessions(const QString& userId, const QString& brokerageId)
{
    if (!m_cluster)
        return;
    QJsonArray sessions;
    for (const auto& state : m_presence.localSessionsOf(userId))
        sessions.append(state.toJson());
    const auto sockets = localSocketsOf(userId);
    m_cluster->publish(BusMessage::Kind::Sessions,
                       {{QStringLiteral("userId"), userId},
                        {QStringLiteral("brokerageId"), brokerageId},
                        {QStringLiteral("sockets"), static_cast<int>(sockets)},
                        {QStringLiteral("sessions"), sessions}});
}

void SyncHub::publishAllSessions()
{
    QHash<QString, QString> users;
    for (const auto& session : std::as_const(m_sessions))
        users.insert(session.identity.userId, session.identity.brokerageId);
    for (auto it = users.cbegin(); it != users.cend(); ++it)
        publishSessions(it.key(), it.value());
}

void SyncHub::peerLost(const QString& node)
{
    m_remoteSockets.remove(node);
    const auto users = m_presence.dropNode(node);
    for (auto it = users.cbegin(); it != users.cend(); ++it) {
        Identity who;
        who.userId = it.key();
        who.brokerageId = it.value();
        presenceChanged(who, false, Origin::Peer);
    }
}

qsizetype SyncHub::remoteSocketsOf(const QString& userId) const
{
    qsizetype count = 0;
    for (const auto& users : m_remoteSockets)
        count += users.value(userId);
    return count;
}

} // namespace crm
