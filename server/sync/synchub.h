#pragma once

#include "server/socketio/socketioserver.h"
#include "server/storage/changeentry.h"
#include "server/storage/identity.h"
#include "server/sync/presenceregistry.h"
#include "server/sync/servermetrics.h"
#include "server/sync/tokenbucket.h"

#include <optional>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace crm {

class ChangeLog;
class MutationService;
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

    // Sends a committed change to every session allowed to see it (REST mutations come here too).
    void broadcast(const ChangeEntry& change);
    // A user's team or role changed: their sockets hear why and are closed; at the next connect
    // the scope in sync:caught-up tells their clients to reload what they may see.
    void accessChanged(const QString& userId);
    // A person's picture changed (version 0: removed): user:picture to their whole brokerage.
    void pictureChanged(const QString& brokerageId, const QString& userId, qint64 version);
    // Task events and requests (docs/protocol.md 5.6) go through the runner.
    void setTaskRunner(TaskRunner* runner);
    // Changes per replay batch.
    static constexpr int kReplayBatch = 200;

private:
    struct Session
    {
        Identity identity;
        QString clientId;
        TokenBucket bucket;
    };

    void onConnected(SocketIoServerSession* session);
    void onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                 qint64 ackId);
    void replay(SocketIoServerSession* session, const Identity& identity, qint64 since);
    void handleMutate(SocketIoServerSession* session, const QJsonArray& args, qint64 ackId);
    void handlePresence(SocketIoServerSession* session, const QString& event,
                        const QJsonArray& args, qint64 ackId);
    void onClosed(SocketIoServerSession* session);
    void handleTask(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                    qint64 ackId);
    void sendTaskEvent(const AgentTask& task, const QString& event);
    void sendCancelRequest(const AgentTask& task);
    void sendTaskList(SocketIoServerSession* session, const Identity& identity);
    // Queues a presence:update about `userId` (coalesced); `now` skips the throttle.
    void presenceChanged(const Identity& who, bool now = false);
    void flushPresence();
    std::optional<SocketIoServer::AuthDecision> refuseIfOverCap(const Identity& identity);

    Services m_s;
    Options m_options;
    QHash<SocketIoServerSession*, Session> m_sessions;
    PresenceRegistry m_presence;
    QHash<QString, QString> m_pendingPresence; // user id -> brokerage id
    QTimer m_presenceTimer;
    TaskRunner* m_tasks = nullptr;
};

} // namespace crm
