#pragma once

#include "protocol/task.h"
#include "protocol/taskrequest.h"
#include "server/socketio/socketioserver.h"
#include "server/storage/changeentry.h"
#include "server/storage/identity.h"
#include "server/sync/changefeed.h"
#include "server/sync/mutationgate.h"
#include "server/sync/presenceregistry.h"
#include "server/sync/servermetrics.h"
#include "server/sync/tokenbucket.h"

#include <optional>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace crm {

class AccessLog;
class AccessWatcher;
class ChangeLog;
class ClusterBus;
struct BusMessage;
class MutationService;
class NoteHub;
class RecordStore;
class SocketIoServer;
class SocketIoServerSession;
class TokenService;
class UserDirectory;

// The live side of crm-server: authenticates sockets with access tokens, replays what a client
// missed since its last seq, applies `mutate` requests, fans every committed change out to
// exactly the sessions whose user may see the record (masked per recipient), keeps presence and
// per-record rooms, and protects everyone from one abusive socket (rate limit, socket cap).
class TaskRunner;
struct AgentTask;

class SyncHub : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxSocketsPerUser = 10;
        // Token bucket per socket: bursts up to `rateBurst` events, `ratePerSecond` sustained.
        double rateBurst = 100;
        double ratePerSecond = 50;
        // Presence changes of one user are coalesced and sent at most this often.
        std::chrono::milliseconds presenceThrottle{100};
        // Mutation work per socket (a batch costs one event above and one unit per mutation
        // here): bursts of `mutationBurst`, `mutationsPerSecond` sustained; beyond it a socket's
        // requests wait their turn instead of being refused (MutationGate).
        double mutationBurst = 5000;
        double mutationsPerSecond = 2000;
        // Off: answers mutate:batch as unknown, as servers before it did (clients must fall back
        // to one mutate at a time; the compatibility test turns it off).
        bool acceptBatches = true;
        // How often the access log is read for changes made by other processes (the CLI,
        // other nodes); a mutation also reads it first (AccessWatcher).
        std::chrono::milliseconds accessPoll{1000};
    };
    struct Services
    {
        SocketIoServer& endpoint;
        TokenService& tokens;
        UserDirectory& users;
        ChangeLog& log;
        MutationService& mutations;
        RecordStore& records;
        ServerMetrics& metrics;
    };

    SyncHub(Services services, Options options, QObject* parent = nullptr);
    ~SyncHub() override;

    // A change committed by this node (socket, REST and task mutations all come here): told to
    // the other nodes, and sent to every session of this node allowed to see it, in seq order.
    void broadcast(const ChangeEntry& change);
    // Runs as one node of a cluster: changes, presence, rooms, the socket cap, picture updates
    // and task cancels travel between the nodes over `bus` (docs/architecture.md, "Scaling out").
    void joinCluster(ClusterBus* bus);
    const ChangeFeed& feed() const { return m_feed; }
    const ClusterBus* cluster() const { return m_cluster; }
    // Acts on the access log (docs/protocol.md 3): a disabled user's sockets and a signed-out
    // session's hear auth:revoked and are closed, leaving presence at once; sockets whose team or
    // role changed hear auth:access-changed, and the scope in their next sync:caught-up tells
    // their clients to reload what they may see. Reads it every Options::accessPoll and on demand.
    void watchAccess(AccessLog& log);
    // Reads the access log now (after this process recorded a change: a sign-out, a move).
    void refreshAccess();
    // A person's picture changed (version 0: removed): user:picture to their whole brokerage.
    void pictureChanged(const QString& brokerageId, const QString& userId, qint64 version);
    // Task events and requests (docs/protocol.md 5.6) go through the runner.
    void setTaskRunner(TaskRunner* runner);
    // Note events (docs/protocol.md 5.9) go to the note hub.
    void setNotes(NoteHub* notes) { m_notes = notes; }

private:
    struct Session
    {
        Identity identity;
        QString clientId;
        TokenBucket bucket;
        MutationGate* gate = nullptr; // owned by the session object
        qint64 sentSeq = 0;           // the brokerage's stream is sent up to here
    };

    void onConnected(SocketIoServerSession* session);
    // Writes a change to every session that may see it and has not had it yet.
    void deliver(const ChangeEntry& change);
    void onBusMessage(const BusMessage& message);
    void onClusterLive(bool live);
    void onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                 qint64 ackId);
    // `since` as the client sent it in CONNECT (docs/protocol.md 5.2 says what each value gets).
    // `mutate` (one payload, answered with its result) and `mutate:batch` (a list, answered
    // with the list of results) share everything but the shape of the answer.
    void handleMutate(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                      qint64 ackId);
    void applyMutations(SocketIoServerSession* session, const QJsonArray& payloads, bool batch,
                        qint64 ackId);
    // The socket emptied a bucket: it hears why, then it is closed.
    void cutFlooder(SocketIoServerSession* session, const QString& userId);
    void handlePresence(SocketIoServerSession* session, const QString& event,
                        const QJsonArray& args, qint64 ackId);
    void onClosed(SocketIoServerSession* session, const QString& reason);
    void handleTask(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                    qint64 ackId);
    // The tasks `identity` may see, each as they may read it (ai:task:list, task:list).
    TaskList visibleTasks(const Identity& identity) const;
    // A task changed here: to this node's sockets and the other nodes'.
    void onTaskChanged(const AgentTask& task, const QString& event);
    void sendTaskEvent(const AgentTask& task, const QString& event);
    void sendCancelRequest(const AgentTask& task);
    void sendTaskList(SocketIoServerSession* session, const Identity& identity);
    // Queues a presence:update about `userId` (coalesced); `now` skips the throttle. A change
    // on this node is also told to the other nodes; one heard from them (`Origin::Peer`) is not.
    enum class Origin
    {
        Here,
        Peer
    };
    void presenceChanged(const Identity& who, bool now = false, Origin origin = Origin::Here);
    void flushPresence();
    // Cluster half (synchubcluster.cpp): this node's sessions of a user, to the other nodes.
    void publishSessions(const QString& userId, const QString& brokerageId);
    void publishAllSessions();
    void peerLost(const QString& node);
    void sendPicture(const QJsonObject& payload, const QString& brokerageId);
    void sendCancelLocally(const QString& ownerId, const QString& clientId, const TaskRef& task);
    qsizetype remoteSocketsOf(const QString& userId) const;
    qsizetype localSocketsOf(const QString& userId) const;
    std::optional<SocketIoServer::AuthDecision> refuseIfOverCap(const Identity& identity);
    // Re-checks the sockets of these users against the directory and their sessions.
    void reconcileAccess(const QStringList& userIds);
    // Nothing about this socket's user or session changed since its CONNECT (reads the access
    // log first, so a change committed before its request is acted on before it).
    bool stillAdmitted(SocketIoServerSession* session);

    Services m_s;
    Options m_options;
    QHash<SocketIoServerSession*, Session> m_sessions;
    QHash<QString, int> m_socketsPerUser; // of m_sessions: the cap is checked at every connect
    // Buckets of sockets whose CONNECT is not accepted (yet): every CONNECT takes a token, and
    // the bucket moves into the Session when one is accepted.
    QHash<SocketIoServerSession*, TokenBucket> m_connectBuckets;
    PresenceRegistry m_presence;
    QHash<QString, QString> m_pendingPresence; // user id -> brokerage id
    QHash<QString, QString> m_pendingPublish;  // the same, for users whose sessions here changed
    QHash<QString, QHash<QString, int>> m_remoteSockets; // node -> user -> open sockets
    QTimer m_presenceTimer;
    TaskRunner* m_tasks = nullptr;
    NoteHub* m_notes = nullptr;
    ChangeFeed m_feed;
    ClusterBus* m_cluster = nullptr;
    AccessWatcher* m_access = nullptr; // a child of the hub, once watchAccess() ran
};

} // namespace crm
