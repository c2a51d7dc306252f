#include "server/sync/synchub.h"

#include "models/schema/recordschema.h"
#include "server/socketio/socketioserver.h"
#include "server/storage/changelog.h"
#include "server/storage/mutationservice.h"
#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"
#include "server/sync/synclogging.h"

#include <QDateTime>

namespace crm {

namespace {

QJsonObject refusal(const QString& code)
{
    return {{QStringLiteral("code"), code}};
}

QJsonObject rejectedResult(const QString& code, const QString& message)
{
    return {{QStringLiteral("status"), QStringLiteral("rejected")},
            {QStringLiteral("error"),
             QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

} // namespace

SyncHub::SyncHub(SocketIoServer& endpoint, TokenService& tokens, UserDirectory& users,
                 ChangeLog& log, MutationService& mutations, QObject* parent)
    : QObject(parent), m_endpoint(endpoint), m_tokens(tokens), m_users(users), m_log(log),
      m_mutations(mutations)
{
    m_endpoint.setAuthenticator([this](SocketIoServerSession* session, const QJsonObject& auth) {
        Identity identity;
        qint64 expiresAt = 0;
        const auto verdict =
            m_tokens.verify(auth.value(QStringLiteral("token")).toString(), &identity, &expiresAt);
        if (auth.value(QStringLiteral("token")).toString().isEmpty())
            return SocketIoServer::AuthDecision{false,
                                                {},
                                                QStringLiteral("token required"),
                                                refusal(QStringLiteral("auth_missing"))};
        if (verdict == TokenService::Verdict::Expired)
            return SocketIoServer::AuthDecision{false,
                                                {},
                                                QStringLiteral("token expired"),
                                                refusal(QStringLiteral("auth_expired"))};
        const auto user = m_users.findById(identity.userId);
        if (verdict != TokenService::Verdict::Valid || !user || user->disabled)
            return SocketIoServer::AuthDecision{false,
                                                {},
                                                QStringLiteral("invalid token"),
                                                refusal(QStringLiteral("auth_invalid"))};
        Session entry;
        entry.identity = user->identity;
        entry.clientId = auth.value(QStringLiteral("clientId")).toString().left(64);
        // Told when the token runs out, then closed cleanly; the client reconnects with a
        // refreshed token. The timer belongs to the session and dies with it.
        auto* expiry = new QTimer(session);
        expiry->setSingleShot(true);
        const qint64 msLeft =
            std::max<qint64>(0, expiresAt * 1000 - QDateTime::currentMSecsSinceEpoch());
        connect(expiry, &QTimer::timeout, session, [session] {
            session->emitEvent(
                QStringLiteral("auth:expired"),
                {QJsonObject{{QStringLiteral("message"), QStringLiteral("Your session expired")}}});
            session->disconnectClient(QStringLiteral("token expired"));
        });
        expiry->start(std::chrono::milliseconds(std::min<qint64>(msLeft, INT_MAX)));
        m_sessions.insert(session, entry);
        return SocketIoServer::AuthDecision{true, user->identity.toJson(), {}, {}};
    });
    connect(&m_endpoint, &SocketIoServer::sessionConnected, this, &SyncHub::onConnected);
    connect(&m_endpoint, &SocketIoServer::sessionClosed, this,
            [this](SocketIoServerSession* session) { m_sessions.remove(session); });
}

SyncHub::~SyncHub() = default;

void SyncHub::onConnected(SocketIoServerSession* session)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    connect(session, &SocketIoServerSession::eventReceived, this,
            [this, session](const QString& event, const QJsonArray& args, qint64 ackId) {
                onEvent(session, event, args, ackId);
            });
    const auto since = session->auth().value(QStringLiteral("since"));
    replay(session, it->identity, since.isDouble() ? since.toInteger(-1) : -1);
}

void SyncHub::replay(SocketIoServerSession* session, const Identity& identity, qint64 since)
{
    const qint64 last = m_log.lastSeq(identity.brokerageId);
    if (since > last) {
        // The client knows a future this server never had (restored backup, other server):
        // its copy cannot be patched, only rebuilt.
        session->emitEvent(QStringLiteral("sync:rebootstrap"),
                           {QJsonObject{{QStringLiteral("seq"), last},
                                        {QStringLiteral("reason"), QStringLiteral("ahead")}}});
        return;
    }
    // Without a `since` the client has nothing to catch up on: it only learns the current seq.
    qint64 cursor = since >= 0 ? since : last;
    qint64 delivered = 0;
    while (cursor < last) {
        const auto batch = m_log.since(identity.brokerageId, cursor, kReplayBatch);
        if (batch.isEmpty())
            break;
        QJsonArray changes;
        for (const auto& change : batch) {
            if (!change.isVisibleTo(identity))
                continue;
            const ModuleSpec* spec = RecordSchema::instance().module(change.module);
            if (!spec)
                continue;
            QJsonObject event = change.toEvent(identity, *spec);
            event.insert(QStringLiteral("event"), change.eventName(*spec));
            changes.append(event);
        }
        const qint64 from = cursor;
        cursor = batch.constLast().seq;
        delivered += changes.size();
        if (!changes.isEmpty())
            session->emitEvent(QStringLiteral("sync:changes"),
                               {QJsonObject{{QStringLiteral("fromSeq"), from},
                                            {QStringLiteral("toSeq"), cursor},
                                            {QStringLiteral("changes"), changes}}});
    }
    qCDebug(lcSync) << "replayed" << delivered << "changes after" << since << "to"
                    << identity.userId;
    session->emitEvent(QStringLiteral("sync:caught-up"),
                       {QJsonObject{{QStringLiteral("seq"), last}}});
}

void SyncHub::onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                      qint64 ackId)
{
    if (event == QStringLiteral("mutate")) {
        handleMutate(session, args, ackId);
        return;
    }
    if (event == QStringLiteral("echo")) {
        session->sendAck(ackId, args);
        return;
    }
    if (ackId >= 0)
        session->sendAck(ackId, {rejectedResult(QStringLiteral("unknown_event"),
                                                QStringLiteral("No such event: %1").arg(event))});
}

void SyncHub::handleMutate(SocketIoServerSession* session, const QJsonArray& args, qint64 ackId)
{
    const auto it = m_sessions.constFind(session);
    if (it == m_sessions.constEnd())
        return;
    if (ackId < 0) {
        // Without an ack the client could never learn the outcome: refuse to guess.
        session->emitEvent(
            QStringLiteral("protocol:error"),
            {rejectedResult(QStringLiteral("ack_required"),
                            QStringLiteral("mutate must ask for an acknowledgement"))});
        return;
    }
    if (it->clientId.isEmpty()) {
        session->sendAck(ackId,
                         {rejectedResult(QStringLiteral("client_id_required"),
                                         QStringLiteral("Connect with a clientId to mutate"))});
        return;
    }
    if (args.size() != 1 || !args.first().isObject()) {
        session->sendAck(ackId, {rejectedResult(QStringLiteral("bad_request"),
                                                QStringLiteral("mutate takes one object"))});
        return;
    }
    QString error;
    const auto mutation = Mutation::fromJson(args.first().toObject(), it->clientId, &error);
    if (!mutation) {
        session->sendAck(ackId, {rejectedResult(QStringLiteral("bad_request"), error)});
        return;
    }
    const Identity identity = it->identity;
    const auto outcome = m_mutations.apply(identity, *mutation);
    session->sendAck(ackId, {outcome.result});
    if (outcome.change)
        broadcast(*outcome.change);
}

void SyncHub::broadcast(const ChangeEntry& change)
{
    const ModuleSpec* spec = RecordSchema::instance().module(change.module);
    if (!spec)
        return;
    const QString name = change.eventName(*spec);
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it.key()->isConnected() && change.isVisibleTo(it->identity))
            it.key()->emitEvent(name, {change.toEvent(it->identity, *spec)});
    }
}

} // namespace crm
