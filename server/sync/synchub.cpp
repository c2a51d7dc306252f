#include "server/sync/synchub.h"

#include "protocol/eventnames.h"
#include "protocol/mutationbatch.h"
#include "protocol/mutationresult.h"
#include "protocol/recordschema.h"
#include "protocol/socketiocodec.h"
#include "protocol/taskrequest.h"
#include "server/cluster/busmessage.h"
#include "server/cluster/clusterbus.h"
#include "server/http/httplogging.h"
#include "server/storage/changelog.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"
#include "server/sync/accesswatcher.h"
#include "server/sync/changereplay.h"
#include "server/sync/notehub.h"
#include "server/sync/synclogging.h"
#include "server/tasks/taskrunner.h"

#include <climits>
#include <QDateTime>
#include <QElapsedTimer>

namespace crm {

namespace {

using AuthDecision = SocketIoServer::AuthDecision;

AuthDecision refused(const QString& message, const QString& code)
{
    return AuthDecision{false, {}, message, {{QStringLiteral("code"), code}}};
}

QJsonObject rejectedResult(ErrorCode code, const QString& message)
{
    return MutationResult::rejected(code, message).toJson();
}

QJsonObject okResult()
{
    return {{QStringLiteral("status"), QStringLiteral("ok")}};
}

} // namespace

SyncHub::SyncHub(Services services, Options options, QObject* parent)
    : QObject(parent), m_s(services), m_options(options),
      m_feed(services.log, [this](const ChangeEntry& change) { deliver(change); })
{
    m_feed.start();
    m_presenceTimer.setSingleShot(true);
    connect(&m_presenceTimer, &QTimer::timeout, this, &SyncHub::flushPresence);

    m_s.endpoint.setAuthenticator([this](SocketIoServerSession* session, const QJsonObject& auth) {
        // CONNECT counts against the socket's bucket like any packet: refused ones too, or a
        // client could try credentials (and cost a verification each) without end.
        auto bucket = m_connectBuckets.find(session);
        if (bucket == m_connectBuckets.end())
            bucket = m_connectBuckets.insert(
                session, TokenBucket(m_options.rateBurst, m_options.ratePerSecond));
        if (!bucket->take()) {
            qCInfo(lcSync) << "CONNECT flood from" << session->sid() << "; closing it";
            m_s.metrics.rateLimited();
            AuthDecision flood = refused(QStringLiteral("Too many messages; reconnect later"),
                                         QStringLiteral("rate_limited"));
            flood.endSession = true;
            return flood;
        }
        const QString token = auth.value(QStringLiteral("token")).toString();
        Identity identity;
        qint64 expiresAt = 0;
        const auto verdict = m_s.tokens.verify(token, &identity, &expiresAt);
        const auto user = verdict == TokenService::Verdict::Valid
                              ? m_s.users.findById(identity.userId)
                              : std::nullopt;
        std::optional<AuthDecision> refusal;
        if (token.isEmpty())
            refusal = refused(QStringLiteral("token required"), QStringLiteral("auth_missing"));
        else if (verdict == TokenService::Verdict::Expired)
            refusal = refused(QStringLiteral("token expired"), QStringLiteral("auth_expired"));
        else if (!user || user->disabled)
            refusal = refused(QStringLiteral("invalid token"), QStringLiteral("auth_invalid"));
        else if (!m_s.tokens.isSessionLive(identity.sessionId))
            refusal = refused(QStringLiteral("this session was signed out"),
                              QStringLiteral("auth_invalid"));
        else
            refusal = refuseIfOverCap(user->identity);
        if (refusal) {
            m_s.metrics.connectRefused();
            return *refusal;
        }
        // Told when the token runs out, then closed cleanly; the client reconnects with a
        // refreshed token. The timer belongs to the session and dies with it.
        auto* expiry = new QTimer(session);
        expiry->setSingleShot(true);
        const qint64 msLeft =
            std::max<qint64>(0, expiresAt * 1000 - QDateTime::currentMSecsSinceEpoch());
        connect(expiry, &QTimer::timeout, session, [session] {
            session->emitEvent(
                QString(events::AuthExpired),
                {QJsonObject{{QStringLiteral("message"), QStringLiteral("Your session expired")}}});
            session->disconnectClient(QStringLiteral("token expired"));
        });
        expiry->start(std::chrono::milliseconds(std::min<qint64>(msLeft, INT_MAX)));
        // The directory has the current team and role; the token adds the acting agent and the
        // session (a sign-out cuts this socket, see reconcileAccess).
        Identity current = user->identity;
        current.agentName = identity.agentName;
        current.sessionId = identity.sessionId;
        if (!m_sessions.contains(session))
            ++m_socketsPerUser[current.userId];
        m_sessions.insert(
            session, Session{current, auth.value(QStringLiteral("clientId")).toString().left(64),
                             m_connectBuckets.take(session),
                             new MutationGate(m_options.mutationBurst, m_options.mutationsPerSecond,
                                              session)});
        return AuthDecision{true, current.toJson(), {}, {}};
    });
    connect(&m_s.endpoint, &SocketIoServer::sessionConnected, this, &SyncHub::onConnected);
    connect(&m_s.endpoint, &SocketIoServer::sessionClosed, this, &SyncHub::onClosed);
}

SyncHub::~SyncHub() = default;

std::optional<SocketIoServer::AuthDecision> SyncHub::refuseIfOverCap(const Identity& identity)
{
    const auto open = localSocketsOf(identity.userId) + remoteSocketsOf(identity.userId);
    if (open < m_options.maxSocketsPerUser)
        return std::nullopt;
    return refused(QStringLiteral("too many connections: %1 windows or devices are signed in "
                                  "already; close one")
                       .arg(open),
                   QStringLiteral("too_many_connections"));
}

qsizetype SyncHub::localSocketsOf(const QString& userId) const
{
    return m_socketsPerUser.value(userId);
}

void SyncHub::onConnected(SocketIoServerSession* session)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    connect(session, &SocketIoServerSession::eventReceived, this,
            [this, session](const QString& event, const QJsonArray& args, qint64 ackId) {
                onEvent(session, event, args, ackId);
            });
    const Identity identity = it->identity;
    it->sentSeq = ChangeReplay(m_s.log).catchUp(session, identity,
                                                session->auth().value(QStringLiteral("since")));
    sendTaskList(session, identity);
    // An AI agent works for a user but is not that user at a desk: it never shows as present
    // (its socket still counts against the user's cap on every node).
    if (identity.isAgent())
        return publishSessions(identity.userId, identity.brokerageId);
    m_presence.join(session, identity);
    session->emitEvent(QString(events::PresenceSnapshot), {m_presence.snapshot(identity).toJson()});
    presenceChanged(identity);
}

void SyncHub::onClosed(SocketIoServerSession* session, const QString& reason)
{
    m_connectBuckets.remove(session);
    if (m_notes)
        m_notes->sessionClosed(session);
    const auto it = m_sessions.constFind(session);
    if (it == m_sessions.constEnd()) {
        qCInfo(lcAccess).noquote() << "socket - from" << session->peer() << "for"
                                   << session->ageMs() << "ms, never signed in:" << reason;
        return;
    }
    const Identity identity = it->identity;
    qCInfo(lcAccess).noquote() << "socket" << identity.userId << "from" << session->peer() << "for"
                               << session->ageMs() << "ms, ended:" << reason;
    m_presence.leave(session);
    m_sessions.remove(session);
    if (--m_socketsPerUser[identity.userId] <= 0)
        m_socketsPerUser.remove(identity.userId);
    // A dropped socket leaves at once; a silent one is closed by the ping timeout first.
    presenceChanged(identity, true);
}

void SyncHub::onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                      qint64 ackId)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    m_s.metrics.eventIn();
    if (!it->bucket.take()) {
        cutFlooder(session, it->identity.userId);
        return;
    }
    if (event == events::Mutate || (event == events::MutateBatch && m_options.acceptBatches)) {
        handleMutate(session, event, args, ackId);
    } else if (event.startsWith(QStringLiteral("task:"))) {
        handleTask(session, event, args, ackId);
    } else if ((event.startsWith(QStringLiteral("presence:")) ||
                event.startsWith(QStringLiteral("record:"))) &&
               !it->identity.isAgent()) {
        handlePresence(session, event, args, ackId);
    } else if (event.startsWith(QStringLiteral("note:")) && m_notes) {
        m_notes->handle(session, it->identity, event, args, ackId);
    } else if (event == events::Echo) {
        session->sendAck(ackId, args);
    } else if (ackId >= 0) {
        session->sendAck(ackId, {rejectedResult(ErrorCode::UnknownEvent,
                                                QStringLiteral("No such event: %1").arg(event))});
    }
}

void SyncHub::cutFlooder(SocketIoServerSession* session, const QString& userId)
{
    // One abusive socket must not cost anyone else: it hears why, then it is closed.
    qCInfo(lcSync) << "rate limit exceeded by" << userId << "; disconnecting";
    m_s.metrics.rateLimited();
    session->emitEvent(QString(events::RateLimited),
                       {QJsonObject{{QStringLiteral("message"),
                                     QStringLiteral("Too many messages; reconnect later")}}});
    session->disconnectClient(QStringLiteral("rate limited"));
}

void SyncHub::handleMutate(SocketIoServerSession* session, const QString& event,
                           const QJsonArray& args, qint64 ackId)
{
    const auto it = m_sessions.constFind(session);
    if (ackId < 0) {
        // Without an ack the client could never learn the outcome: refuse to guess.
        session->emitEvent(
            QString(events::ProtocolError),
            {rejectedResult(ErrorCode::AckRequired,
                            QStringLiteral("%1 must ask for an acknowledgement").arg(event))});
        return;
    }
    if (it->clientId.isEmpty()) {
        session->sendAck(ackId,
                         {rejectedResult(ErrorCode::ClientIdRequired,
                                         QStringLiteral("Connect with a clientId to mutate"))});
        return;
    }
    if (args.size() != 1 || !args.first().isObject()) {
        session->sendAck(ackId, {rejectedResult(ErrorCode::BadRequest,
                                                QStringLiteral("%1 takes one object").arg(event))});
        return;
    }
    const bool batch = event == events::MutateBatch;
    QJsonArray payloads;
    if (batch) {
        const QJsonValue list = args.first().toObject().value(QStringLiteral("mutations"));
        payloads = list.toArray();
        if (!list.isArray() || payloads.isEmpty() ||
            payloads.size() > mutationbatch::kMaxMutations) {
            session->sendAck(ackId,
                             {rejectedResult(ErrorCode::BadRequest,
                                             QStringLiteral("mutations must be a list of 1 to %1")
                                                 .arg(mutationbatch::kMaxMutations))});
            return;
        }
    } else {
        payloads.append(args.first());
    }
    // Mutations apply in the order the socket sent them, whether they run now or wait.
    QPointer<SocketIoServerSession> alive(session);
    const auto admission = it->gate->submit(static_cast<double>(payloads.size()),
                                            [this, alive, payloads, batch, ackId] {
                                                if (alive)
                                                    applyMutations(alive, payloads, batch, ackId);
                                            });
    if (admission == MutationGate::Admission::Flooding)
        cutFlooder(session, it->identity.userId);
}

void SyncHub::applyMutations(SocketIoServerSession* session, const QJsonArray& payloads, bool batch,
                             qint64 ackId)
{
    // A user disabled or signed out before this ran is cut here, and nothing is written for
    // them: the client keeps the mutation and its pending ack fails with the link.
    if (!stillAdmitted(session))
        return;
    const auto it = m_sessions.constFind(session);
    if (it == m_sessions.constEnd())
        return; // closed while it waited: the client resends after reconnecting
    const Identity identity = it->identity;
    // Shape errors are answered in place; the rest applies in one transaction.
    QList<QJsonObject> results(payloads.size());
    QList<Mutation> mutations;
    QList<qsizetype> positions;
    for (qsizetype i = 0; i < payloads.size(); ++i) {
        if (!payloads.at(i).isObject()) {
            results[i] = MutationResult::rejected(ErrorCode::BadRequest,
                                                  QStringLiteral("a mutation is an object"))
                             .toJson();
            continue;
        }
        auto mutation = Mutation::fromJson(payloads.at(i).toObject(), it->clientId);
        if (!mutation.ok()) {
            const WireError& why = mutation.error();
            results[i] = MutationResult::rejected(why.code, why.message, why.field).toJson();
            continue;
        }
        mutations.append(std::move(mutation).value());
        positions.append(i);
    }
    const auto outcomes = m_s.mutations.applyAll(identity, mutations);
    for (qsizetype k = 0; k < outcomes.size(); ++k) {
        results[positions.at(k)] = outcomes.at(k).toJson();
        m_s.metrics.mutation(mutationStatusName(outcomes.at(k).result.status));
    }
    if (batch) {
        QJsonArray list;
        for (const auto& result : results)
            list.append(result);
        session->sendAck(ackId, {QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                             {QStringLiteral("results"), list}}});
    } else {
        session->sendAck(ackId, {results.first()});
    }
    for (const auto& outcome : outcomes) {
        if (outcome.change)
            broadcast(*outcome.change);
    }
}

void SyncHub::handlePresence(SocketIoServerSession* session, const QString& event,
                             const QJsonArray& args, qint64 ackId)
{
    const Identity identity = m_sessions.value(session).identity;
    const QJsonObject payload = args.first().toObject();
    auto answer = [&](const QJsonObject& result) {
        if (ackId >= 0)
            session->sendAck(ackId, {result});
        else if (result.value(QStringLiteral("status")) == QStringLiteral("rejected"))
            session->emitEvent(QString(events::ProtocolError), {result});
    };
    if (event == events::PresenceSet) {
        // Offline is what leaving says; a session sets one of the other three.
        const auto status =
            presenceStatusFromName(payload.value(QStringLiteral("status")).toString());
        if (!status || *status == PresenceStatus::Offline)
            return answer(rejectedResult(ErrorCode::BadStatus,
                                         QStringLiteral("status must be online, away or busy")));
        m_presence.setStatus(session, *status);
    } else if (event == events::RecordSubscribe) {
        const QString module = payload.value(QStringLiteral("module")).toString();
        const QString id = payload.value(QStringLiteral("id")).toString();
        const auto record =
            RecordSchema::instance().module(module) ? m_s.records.find(module, id) : std::nullopt;
        if (!record || record->deleted || !identity.canSee(record->brokerageId, record->teamId))
            return answer(rejectedResult(ErrorCode::NotFound, QStringLiteral("No such record")));
        m_presence.setViewing(session, module, id, record->teamId);
        answer({{QStringLiteral("status"), QStringLiteral("ok")},
                {QStringLiteral("viewers"), m_presence.viewersOf(module, id, identity.userId)}});
        presenceChanged(identity);
        return;
    } else if (event == events::RecordUnsubscribe) {
        m_presence.setViewing(session, {}, {}, {});
    } else if (event == events::PresenceEditing) {
        const QJsonValue field = payload.value(QStringLiteral("field"));
        const ModuleSpec* spec = RecordSchema::instance().module(m_presence.viewingModule(session));
        if (!m_presence.isViewing(session) || !spec)
            return answer(rejectedResult(ErrorCode::NotSubscribed,
                                         QStringLiteral("Subscribe to the record first")));
        if (!field.isNull() && (!field.isString() || !spec->field(field.toString())))
            return answer(rejectedResult(ErrorCode::UnknownField, QStringLiteral("No such field")));
        m_presence.setEditing(session, field.toString());
    } else {
        return answer(rejectedResult(ErrorCode::UnknownEvent,
                                     QStringLiteral("No such event: %1").arg(event)));
    }
    answer(okResult());
    presenceChanged(identity);
}

void SyncHub::watchAccess(AccessLog& log)
{
    m_access = new AccessWatcher(log, m_s.users, m_s.tokens, m_options.accessPoll, this);
    connect(m_access, &AccessWatcher::changed, this, &SyncHub::reconcileAccess);
}

void SyncHub::refreshAccess()
{
    if (m_access)
        m_access->catchUp();
}

bool SyncHub::stillAdmitted(SocketIoServerSession* session)
{
    refreshAccess();
    return m_sessions.contains(session);
}

void SyncHub::reconcileAccess(const QStringList& userIds)
{
    // The log says whose access changed, not how: each socket of theirs is judged against the
    // current state, so reading a row twice (or one this process acted on already) is harmless.
    // Collected first: a closing session leaves m_sessions at once (onClosed), and that is also
    // what drops the user from presence right away.
    QList<QPair<SocketIoServerSession*, AccessWatcher::Verdict>> cuts;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (!userIds.contains(it->identity.userId))
            continue;
        if (auto verdict = m_access->judge(it->identity))
            cuts.append({it.key(), *verdict});
    }
    for (const auto& [session, verdict] : std::as_const(cuts)) {
        qCInfo(lcSync) << verdict.event << "to a socket of"
                       << m_sessions.value(session).identity.userId << ":" << verdict.message;
        session->emitEvent(verdict.event,
                           {QJsonObject{{QStringLiteral("message"), verdict.message}}});
        session->disconnectClient(verdict.event);
    }
}

void SyncHub::pictureChanged(const QString& brokerageId, const QString& userId, qint64 version)
{
    const QJsonObject payload{{QStringLiteral("userId"), userId},
                              {QStringLiteral("pictureVersion"), version}};
    sendPicture(payload, brokerageId);
    if (m_cluster)
        m_cluster->publish(BusMessage::Kind::Picture, {{QStringLiteral("brokerageId"), brokerageId},
                                                       {QStringLiteral("picture"), payload}});
}

void SyncHub::sendPicture(const QJsonObject& payload, const QString& brokerageId)
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->identity.brokerageId == brokerageId)
            it.key()->emitEvent(QString(events::UserPicture), {payload});
    }
}

void SyncHub::presenceChanged(const Identity& who, bool now, Origin origin)
{
    m_pendingPresence.insert(who.userId, who.brokerageId);
    if (origin == Origin::Here && m_cluster)
        m_pendingPublish.insert(who.userId, who.brokerageId);
    if (now)
        flushPresence();
    else if (!m_presenceTimer.isActive())
        m_presenceTimer.start(m_options.presenceThrottle);
}

void SyncHub::flushPresence()
{
    const auto users = std::exchange(m_pendingPresence, {});
    const auto published = std::exchange(m_pendingPublish, {});
    for (auto user = published.cbegin(); user != published.cend(); ++user)
        publishSessions(user.key(), user.value());
    // What a recipient may see depends only on its team (or on being a broker admin): encode
    // each update once per such view, not once per socket.
    QHash<QString, QString> frames;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (!it.key()->isConnected())
            continue;
        const QString view =
            it->identity.isBrokerAdmin() ? QStringLiteral("*") : it->identity.teamId;
        for (auto user = users.cbegin(); user != users.cend(); ++user) {
            // Presence stays inside the brokerage.
            if (user.value() != it->identity.brokerageId)
                continue;
            QString& frame = frames[user.key() + u'|' + view];
            if (frame.isEmpty())
                frame = socketio::encodeFrame(socketio::Packet::event(
                    QString(events::PresenceUpdate),
                    {m_presence.userPresence(user.key(), it->identity).toJson()}));
            it.key()->sendRawFrame(frame);
        }
    }
}

void SyncHub::broadcast(const ChangeEntry& change)
{
    if (m_cluster)
        m_cluster->publish(BusMessage::Kind::Change, change.toJson());
    m_feed.offer(change);
}

void SyncHub::deliver(const ChangeEntry& change)
{
    const ModuleSpec* spec = RecordSchema::instance().module(change.module);
    if (!spec)
        return;
    QElapsedTimer timer;
    timer.start();
    const QString name = change.eventName(*spec);
    // A recipient's payload depends only on whether it may see sensitive fields, so the event
    // is encoded at most twice, not once per socket.
    QString frames[2];
    std::uint64_t sent = 0;
    for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
        // A socket that caught up from the log after this change was committed has it already.
        if (it->identity.brokerageId != change.brokerageId || it->sentSeq >= change.seq)
            continue;
        it->sentSeq = change.seq;
        if (!it.key()->isConnected() || !change.isVisibleTo(it->identity))
            continue;
        QString& frame = frames[it->identity.seesSensitiveOf(change.ownerId) ? 1 : 0];
        if (frame.isEmpty())
            frame = socketio::encodeFrame(
                socketio::Packet::event(name, {change.toEvent(it->identity, *spec).toJson()}));
        it.key()->sendRawFrame(frame);
        ++sent;
    }
    m_s.metrics.eventsOut(sent);
    m_s.metrics.fanOut(static_cast<double>(timer.nsecsElapsed()) / 1e9);
}

} // namespace crm
