#pragma once

#include "server/storage/changeentry.h"
#include "server/storage/identity.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace crm {

class ChangeLog;
class MutationService;
class SocketIoServer;
class SocketIoServerSession;
class TokenService;
class UserDirectory;

// The live side of crm-server: authenticates sockets with access tokens, replays what a client
// missed since its last seq, applies `mutate` requests, and fans every committed change out to
// exactly the sessions whose user may see the record, masked per recipient.
class SyncHub : public QObject
{
    Q_OBJECT
public:
    SyncHub(SocketIoServer& endpoint, TokenService& tokens, UserDirectory& users, ChangeLog& log,
            MutationService& mutations, QObject* parent = nullptr);
    ~SyncHub() override;

    // Sends a committed change to every session allowed to see it (REST mutations come here too).
    void broadcast(const ChangeEntry& change);
    // Changes per replay batch.
    static constexpr int kReplayBatch = 200;

private:
    struct Session
    {
        Identity identity;
        QString clientId;
    };

    void onConnected(SocketIoServerSession* session);
    void onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                 qint64 ackId);
    void replay(SocketIoServerSession* session, const Identity& identity, qint64 since);
    void handleMutate(SocketIoServerSession* session, const QJsonArray& args, qint64 ackId);

    SocketIoServer& m_endpoint;
    TokenService& m_tokens;
    UserDirectory& m_users;
    ChangeLog& m_log;
    MutationService& m_mutations;
    QHash<SocketIoServerSession*, Session> m_sessions;
};

} // namespace crm
