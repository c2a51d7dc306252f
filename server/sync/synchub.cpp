#include "server/sync/synchub.h"

#include "models/schema/recordschema.h"
#include "realtime/socketiocodec.h"
#include "server/storage/changelog.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"
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

QJsonObject rejectedResult(const QString& code, const QString& message)
{
    return {{QStringLiteral("status"), QStringLiteral("rejected")},
            {QStringLiteral("error"),
             QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

QJsonObject okResult()
{
    return {{QStringLiteral("status"), QStringLiteral("ok")}};
}

} // namespace

SyncHub::SyncHub(Services services, Options options, QObject* parent)
    : QObject(parent), m_s(services), m_options(options)
{
    m_presenceTimer.setSingleShot(true);
    connect(&m_presenceTimer, &QTimer::timeout, this, &SyncHub::flushPresence);

    m_s.endpoint.setAuthenticator([this](SocketIoServerSession* session, const QJsonObject& auth) {
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
                QStringLiteral("auth:expired"),
                {QJsonObject{{QStringLiteral("message"), QStringLiteral("Your session expired")}}});
            session->disconnectClient(QStringLiteral("token expired"));
        });
        expiry->start(std::chrono::milliseconds(std::min<qint64>(msLeft, INT_MAX)));
        // The directory has the current team and role; the token adds the acting agent.
        Identity current = user->identity;
        current.agentName = identity.agentName;
        m_sessions.insert(
            session, Session{current, auth.value(QStringLiteral("clientId")).toString().left(64),
                             TokenBucket(m_options.rateBurst, m_options.ratePerSecond)});
        return AuthDecision{true, current.toJson(), {}, {}};
    });
    connect(&m_s.endpoint, &SocketIoServer::sessionConnected, this, &SyncHub::onConnected);
    connect(&m_s.endpoint, &SocketIoServer::sessionClosed, this, &SyncHub::onClosed);
}

SyncHub::~SyncHub() = default;

std::optional<SocketIoServer::AuthDecision> SyncHub::refuseIfOverCap(const Identity& identity)
{
    const auto open = std::count_if(m_sessions.cbegin(), m_sessions.cend(), [&](const Session& s) {
        return s.identity.userId == identity.userId;
    });
    if (open < m_options.maxSocketsPerUser)
        return std::nullopt;
    return refused(QStringLiteral("too many connections: %1 windows or devices are signed in "
                                  "already; close one")
                       .arg(open),
                   QStringLiteral("too_many_connections"));
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
    const auto since = session->auth().value(QStringLiteral("since"));
    replay(session, identity, since.isDouble() ? since.toInteger(-1) : -1);
    sendTaskList(session, identity);
    // An AI agent works for a user but is not that user at a desk: it never shows as present.
    if (identity.isAgent())
        return;
    m_presence.join(session, identity);
    session->emitEvent(QStringLiteral("presence:snapshot"),
                       {QJsonObject{{QStringLiteral("users"), m_presence.snapshot(identity)}}});
    presenceChanged(identity);
}

void SyncHub::onClosed(SocketIoServerSession* session)
{
    const auto it = m_sessions.constFind(session);
    if (it == m_sessions.constEnd())
        return;
    const Identity identity = it->identity;
    m_presence.leave(session);
    m_sessions.remove(session);
    // A dropped socket leaves at once; a silent one is closed by the ping timeout first.
    presenceChanged(identity, true);
}

void SyncHub::replay(SocketIoServerSession* session, const Identity& identity, qint64 since)
{
    const qint64 last = m_s.log.lastSeq(identity.brokerageId);
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
        const auto batch = m_s.log.since(identity.brokerageId, cursor, kReplayBatch);
        if (batch.isEmpty())
            break;
        QJsonArray changes;
        for (const auto& change : batch) {
            const ModuleSpec* spec = RecordSchema::instance().module(change.module);
            if (!spec || !change.isVisibleTo(identity))
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
    // The scope the stream was filtered for: a client whose copy was built for another team
    // or role reloads it (docs/protocol.md 5.2).
    session->emitEvent(
        QStringLiteral("sync:caught-up"),
        {QJsonObject{{QStringLiteral("seq"), last},
                     {QStringLiteral("scope"),
                      QJsonObject{{QStringLiteral("teamId"), identity.teamId},
                                  {QStringLiteral("role"), Identity::roleName(identity.role)}}}}});
}

void SyncHub::onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                      qint64 ackId)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    m_s.metrics.eventIn();
    if (!it->bucket.take()) {
        // One abusive socket must not cost anyone else: it hears why, then it is closed.
        qCInfo(lcSync) << "rate limit exceeded by" << it->identity.userId << "; disconnecting";
        m_s.metrics.rateLimited();
        session->emitEvent(QStringLiteral("rate:limited"),
                           {QJsonObject{{QStringLiteral("message"),
                                         QStringLiteral("Too many messages; reconnect later")}}});
        session->disconnectClient(QStringLiteral("rate limited"));
        return;
    }
    if (event == QStringLiteral("mutate")) {
        handleMutate(session, args, ackId);
    } else if (event.startsWith(QStringLiteral("task:"))) {
        handleTask(session, event, args, ackId);
    } else if ((event.startsWith(QStringLiteral("presence:")) ||
                event.startsWith(QStringLiteral("record:"))) &&
               !it->identity.isAgent()) {
        handlePresence(session, event, args, ackId);
    } else if (event == QStringLiteral("echo")) {
        session->sendAck(ackId, args);
    } else if (ackId >= 0) {
        session->sendAck(ackId, {rejectedResult(QStringLiteral("unknown_event"),
                                                QStringLiteral("No such event: %1").arg(event))});
    }
}

void SyncHub::handleMutate(SocketIoServerSession* session, const QJsonArray& args, qint64 ackId)
{
    const auto it = m_sessions.constFind(session);
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
    QString code;
    const auto mutation = Mutation::fromJson(args.first().toObject(), it->clientId, &error, &code);
    if (!mutation) {
        session->sendAck(ackId, {rejectedResult(code, error)});
        return;
    }
    const Identity identity = it->identity;
    const auto outcome = m_s.mutations.apply(identity, *mutation);
    m_s.metrics.mutation(outcome.result.value(QStringLiteral("status")).toString());
    session->sendAck(ackId, {outcome.result});
    if (outcome.change)
        broadcast(*outcome.change);
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
            session->emitEvent(QStringLiteral("protocol:error"), {result});
    };
    if (event == QStringLiteral("presence:set")) {
        const QString status = payload.value(QStringLiteral("status")).toString();
        if (!PresenceRegistry::isValidStatus(status))
            return answer(rejectedResult(QStringLiteral("bad_status"),
                                         QStringLiteral("status must be online, away or busy")));
        m_presence.setStatus(session, status);
    } else if (event == QStringLiteral("record:subscribe")) {
        const QString module = payload.value(QStringLiteral("module")).toString();
        const QString id = payload.value(QStringLiteral("id")).toString();
        const auto record =
            RecordSchema::instance().module(module) ? m_s.records.find(module, id) : std::nullopt;
        if (!record || record->deleted || !identity.canSee(record->brokerageId, record->teamId))
            return answer(
                rejectedResult(QStringLiteral("not_found"), QStringLiteral("No such record")));
        m_presence.setViewing(session, module, id, record->teamId);
        answer({{QStringLiteral("status"), QStringLiteral("ok")},
                {QStringLiteral("viewers"), m_presence.viewersOf(module, id, identity.userId)}});
        presenceChanged(identity);
        return;
    } else if (event == QStringLiteral("record:unsubscribe")) {
        m_presence.setViewing(session, {}, {}, {});
    } else if (event == QStringLiteral("presence:editing")) {
        const QJsonValue field = payload.value(QStringLiteral("field"));
        const ModuleSpec* spec = RecordSchema::instance().module(m_presence.viewingModule(session));
        if (!m_presence.isViewing(session) || !spec)
            return answer(rejectedResult(QStringLiteral("not_subscribed"),
                                         QStringLiteral("Subscribe to the record first")));
        if (!field.isNull() && (!field.isString() || !spec->field(field.toString())))
            return answer(
                rejectedResult(QStringLiteral("unknown_field"), QStringLiteral("No such field")));
        m_presence.setEditing(session, field.toString());
    } else {
        return answer(rejectedResult(QStringLiteral("unknown_event"),
                                     QStringLiteral("No such event: %1").arg(event)));
    }
    answer(okResult());
    presenceChanged(identity);
}

void SyncHub::accessChanged(const QString& userId)
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->identity.userId != userId)
            continue;
        it.key()->emitEvent(QStringLiteral("auth:access-changed"),
                            {QJsonObject{{QStringLiteral("message"),
                                          QStringLiteral("Your team or role changed")}}});
        it.key()->disconnectClient(QStringLiteral("access changed"));
    }
}

void SyncHub::pictureChanged(const QString& brokerageId, const QString& userId, qint64 version)
{
    const QJsonObject payload{{QStringLiteral("userId"), userId},
                              {QStringLiteral("pictureVersion"), version}};
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->identity.brokerageId == brokerageId)
            it.key()->emitEvent(QStringLiteral("user:picture"), {payload});
    }
}

void SyncHub::setTaskRunner(TaskRunner* runner)
{
    m_tasks = runner;
    connect(runner, &TaskRunner::taskChanged, this, &SyncHub::sendTaskEvent);
    connect(runner, &TaskRunner::cancelRequested, this, &SyncHub::sendCancelRequest);
}

void SyncHub::sendTaskList(SocketIoServerSession* session, const Identity& identity)
{
    if (!m_tasks)
        return;
    QJsonArray tasks;
    for (const auto& task : m_tasks->visibleTo(identity))
        tasks.append(task.toJson());
    session->emitEvent(QStringLiteral("ai:task:list"),
                       {QJsonObject{{QStringLiteral("tasks"), tasks}}});
}

void SyncHub::handleTask(SocketIoServerSession* session, const QString& event,
                         const QJsonArray& args, qint64 ackId)
{
    const Session& state = m_sessions.value(session);
    const QJsonObject payload = args.first().toObject();
    const QString id = payload.value(QStringLiteral("id")).toString();
    QJsonObject answer;
    if (!m_tasks) {
        answer = rejectedResult(QStringLiteral("unavailable"),
                                QStringLiteral("This server runs no tasks"));
    } else if (event == QStringLiteral("task:list")) {
        QJsonArray tasks;
        for (const auto& task : m_tasks->visibleTo(state.identity))
            tasks.append(task.toJson());
        answer = {{QStringLiteral("status"), QStringLiteral("ok")},
                  {QStringLiteral("tasks"), tasks}};
    } else if (event == QStringLiteral("task:start")) {
        TaskRunner::Request request;
        request.kind = payload.value(QStringLiteral("kind")).toString();
        request.title = payload.value(QStringLiteral("title")).toString();
        request.params = payload.value(QStringLiteral("params")).toObject();
        request.input = payload.value(QStringLiteral("input")).toString();
        request.shared = payload.value(QStringLiteral("shared")).toBool();
        answer = m_tasks->start(state.identity, request, state.clientId).toJson();
    } else if (event == QStringLiteral("task:cancel")) {
        answer = m_tasks->cancel(state.identity, id).toJson();
    } else if (event == QStringLiteral("task:retry")) {
        answer = m_tasks->retry(state.identity, id).toJson();
    } else if (event == QStringLiteral("task:report")) {
        answer = m_tasks->report(state.identity, id, payload).toJson();
    } else {
        answer = rejectedResult(QStringLiteral("unknown_event"),
                                QStringLiteral("No such event: %1").arg(event));
    }
    if (ackId >= 0)
        session->sendAck(ackId, {answer});
    else if (answer.value(QStringLiteral("status")) == QStringLiteral("rejected"))
        session->emitEvent(QStringLiteral("protocol:error"), {answer});
}

void SyncHub::sendTaskEvent(const AgentTask& task, const QString& event)
{
    QString frame;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (!it.key()->isConnected() || !task.isVisibleTo(it->identity))
            continue;
        if (frame.isEmpty())
            frame = socketio::encodeFrame(socketio::Packet::event(event, {task.toJson()}));
        it.key()->sendRawFrame(frame);
    }
}

void SyncHub::sendCancelRequest(const AgentTask& task)
{
    // Only the socket that started the task runs it.
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it.key()->isConnected() && it->identity.userId == task.ownerId &&
            !task.clientId.isEmpty() && it->clientId == task.clientId)
            it.key()->emitEvent(QStringLiteral("ai:task:cancel"),
                                {QJsonObject{{QStringLiteral("id"), task.id},
                                             {QStringLiteral("title"), task.title}}});
    }
}

void SyncHub::presenceChanged(const Identity& who, bool now)
{
    m_pendingPresence.insert(who.userId, who.brokerageId);
    if (now)
        flushPresence();
    else if (!m_presenceTimer.isActive())
        m_presenceTimer.start(m_options.presenceThrottle);
}

void SyncHub::flushPresence()
{
    const auto users = std::exchange(m_pendingPresence, {});
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
                frame = socketio::encodeFrame(
                    socketio::Packet::event(QStringLiteral("presence:update"),
                                            {m_presence.userPresence(user.key(), it->identity)}));
            it.key()->sendRawFrame(frame);
        }
    }
}

void SyncHub::broadcast(const ChangeEntry& change)
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
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (!it.key()->isConnected() || !change.isVisibleTo(it->identity))
            continue;
        QString& frame = frames[it->identity.seesSensitiveOf(change.ownerId) ? 1 : 0];
        if (frame.isEmpty())
            frame = socketio::encodeFrame(
                socketio::Packet::event(name, {change.toEvent(it->identity, *spec)}));
        it.key()->sendRawFrame(frame);
        ++sent;
    }
    m_s.metrics.eventsOut(sent);
    m_s.metrics.fanOut(static_cast<double>(timer.nsecsElapsed()) / 1e9);
}

} // namespace crm
