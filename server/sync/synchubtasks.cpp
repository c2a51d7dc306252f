// SyncHub's task half: ai:task:* events to the sockets that may see them, task:* requests to
// the runner, and cancel requests to the agent that runs a task (docs/protocol.md 5.6). Kept
// apart from synchub.cpp, which carries records and presence.
#include "protocol/eventnames.h"
#include "protocol/mutationresult.h"
#include "protocol/socketiocodec.h"
#include "protocol/taskrequest.h"
#include "server/cluster/busmessage.h"
#include "server/cluster/clusterbus.h"
#include "server/sync/synchub.h"
#include "server/tasks/taskrunner.h"

namespace crm {

void SyncHub::setTaskRunner(TaskRunner* runner)
{
    m_tasks = runner;
    connect(runner, &TaskRunner::taskChanged, this, &SyncHub::onTaskChanged);
    connect(runner, &TaskRunner::cancelElsewhere, this, [this](const QString& taskId) {
        if (m_cluster)
            m_cluster->publish(BusMessage::Kind::TaskStop, {{QStringLiteral("taskId"), taskId}});
    });
    connect(runner, &TaskRunner::cancelRequested, this, &SyncHub::sendCancelRequest);
}

void SyncHub::sendTaskList(SocketIoServerSession* session, const Identity& identity)
{
    if (!m_tasks)
        return;
    session->emitEvent(QString(events::AiTaskList), {visibleTasks(identity).toJson()});
}

void SyncHub::handleTask(SocketIoServerSession* session, const QString& event,
                         const QJsonArray& args, qint64 ackId)
{
    // Tasks write too (a job acts as its owner, an agent reports): not for a revoked user.
    if (!stillAdmitted(session))
        return;
    const Session& state = m_sessions.value(session);
    const QJsonObject payload = args.first().toObject();
    // A request this build cannot read is refused naming the member at fault; a well-formed one
    // goes to the runner, whose refusals have the same shape.
    auto answerFrom = [&](auto&& parsed, auto&& act) -> QJsonObject {
        if (!parsed.ok())
            return TaskAnswer{{}, {}, parsed.error()}.toJson();
        return act(parsed.value()).toJson(state.identity);
    };
    QJsonObject answer;
    if (!m_tasks) {
        answer = MutationResult::rejected(ErrorCode::Unavailable,
                                          QStringLiteral("This server runs no tasks"))
                     .toJson();
    } else if (event == events::TaskList) {
        answer = TaskAnswer{{}, visibleTasks(state.identity), {}}.toJson();
    } else if (event == events::TaskStart) {
        answer = answerFrom(TaskStart::fromJson(payload), [&](const TaskStart& request) {
            return m_tasks->start(state.identity, request, state.clientId);
        });
    } else if (event == events::TaskCancel) {
        answer = answerFrom(TaskRef::fromJson(payload), [&](const TaskRef& task) {
            return m_tasks->cancel(state.identity, task.id);
        });
    } else if (event == events::TaskRetry) {
        answer = answerFrom(TaskRef::fromJson(payload), [&](const TaskRef& task) {
            return m_tasks->retry(state.identity, task.id);
        });
    } else if (event == events::TaskReport) {
        answer = answerFrom(TaskRef::fromJson(payload), [&](const TaskRef& task) {
            return m_tasks->report(state.identity, task.id, payload);
        });
    } else {
        answer = MutationResult::rejected(ErrorCode::UnknownEvent,
                                          QStringLiteral("No such event: %1").arg(event))
                     .toJson();
    }
    if (ackId >= 0)
        session->sendAck(ackId, {answer});
    else if (answer.value(QStringLiteral("status")) == QStringLiteral("rejected"))
        session->emitEvent(QString(events::ProtocolError), {answer});
}

TaskList SyncHub::visibleTasks(const Identity& identity) const
{
    TaskList list;
    for (const auto& task : m_tasks->visibleTo(identity))
        list.tasks.append(task.viewFor(identity));
    return list;
}

void SyncHub::onTaskChanged(const AgentTask& task, const QString& event)
{
    sendTaskEvent(task, event);
    if (m_cluster)
        m_cluster->publish(BusMessage::Kind::TaskEvent,
                           {{QStringLiteral("event"), event},
                            {QStringLiteral("task"), task.toJson()},
                            {QStringLiteral("brokerageId"), task.brokerageId},
                            {QStringLiteral("clientId"), task.clientId}});
}

void SyncHub::sendTaskEvent(const AgentTask& task, const QString& event)
{
    // Shaped per recipient (the whole task or its summary), so encoded at most twice.
    QString frames[2];
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (!it.key()->isConnected() || !task.isVisibleTo(it->identity))
            continue;
        QString& frame = frames[task.showsAllTo(it->identity) ? 1 : 0];
        if (frame.isEmpty())
            frame = socketio::encodeFrame(
                socketio::Packet::event(event, {task.toJsonFor(it->identity)}));
        it.key()->sendRawFrame(frame);
    }
}

void SyncHub::sendCancelRequest(const AgentTask& task)
{
    if (task.clientId.isEmpty())
        return;
    const TaskRef ref{task.id, task.title};
    sendCancelLocally(task.ownerId, task.clientId, ref);
    // The socket that started it may be on another node.
    if (m_cluster)
        m_cluster->publish(BusMessage::Kind::TaskCancel,
                           {{QStringLiteral("ownerId"), task.ownerId},
                            {QStringLiteral("clientId"), task.clientId},
                            {QStringLiteral("task"), ref.toJson()}});
}

void SyncHub::sendCancelLocally(const QString& ownerId, const QString& clientId,
                                const TaskRef& task)
{
    // Only the socket that started the task runs it.
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it.key()->isConnected() && it->identity.userId == ownerId && it->clientId == clientId)
            it.key()->emitEvent(QString(events::AiTaskCancel), {task.toJson()});
    }
}

} // namespace crm
