#include "core/taskclient.h"

#include "core/corelogging.h"
#include "core/localstore.h"
#include "protocol/eventnames.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

namespace crm {

namespace {

const QString kCacheKey = QStringLiteral("task_list");

using Refusal = CommandResult::Refusal;

CommandResult offline()
{
    return CommandResult::refused(
        Refusal::Offline, TaskClient::tr("Not connected: try again when the badge says Live"));
}

// A REST request that failed: the server's own reason when it gave one; when it could not be
// reached, that nothing happened and when to try again.
CommandResult restFailure(const RestReply& reply)
{
    if (reply.error.kind == RestError::Kind::Network ||
        reply.error.kind == RestError::Kind::Timeout)
        return CommandResult::refused(
            Refusal::Offline, TaskClient::tr("The server could not be reached (%1), so nothing "
                                             "happened: try again when the badge says Live")
                                  .arg(reply.error.describe()));
    return CommandResult::refused(Refusal::Rejected, reply.error.message.isEmpty()
                                                         ? reply.error.describe()
                                                         : reply.error.message);
}

// A task command whose ack never came back: why, in the agent's words. Whether the server did
// it is unknown, and the task's next event or the list after the next connect will say.
CommandResult unanswered(const AckOutcome& outcome)
{
    switch (outcome.status) {
    case AckOutcome::Status::TimedOut:
        return CommandResult::refused(
            Refusal::Offline, TaskClient::tr("The server did not answer in time: look at the "
                                             "task again in a moment, and try again if needed"));
    case AckOutcome::Status::Disconnected:
        return CommandResult::refused(
            Refusal::Offline, TaskClient::tr("The connection dropped before the server answered: "
                                             "try again when the badge says Live"));
    default:
        return offline();
    }
}

// The tasks of a list that this build can read. One it cannot (a status a newer server added)
// is left out and logged rather than costing the agent the whole list.
QList<Task> readableTasks(const QJsonValue& list, const char* where)
{
    QList<Task> tasks;
    for (const auto& item : list.toArray()) {
        auto task = Task::fromJson(item.toObject());
        if (task.ok())
            tasks.append(std::move(task).value());
        else
            qCWarning(lcClientCore) << "left out of the" << where
                                    << "a task that cannot be read:" << task.error().describe();
    }
    return tasks;
}

} // namespace

TaskClient::TaskClient(ConnectionManager& connection, RestClient& rest, LocalStore& store,
                       QObject* parent)
    : QObject(parent), m_connection(connection), m_rest(rest), m_store(store)
{
    connect(&m_connection, &ConnectionManager::eventReceived, this,
            [this](const QString& event, const QJsonArray& args) {
                if (event.startsWith(events::AiTaskPrefix))
                    onEvent(event, args);
            });
}

void TaskClient::onEvent(const QString& event, const QJsonArray& args)
{
    // ai:task:cancel asks an external agent to stop: not for a person's window.
    if (event == events::AiTaskCancel)
        return;
    const QJsonObject payload = args.isEmpty() ? QJsonObject() : args.first().toObject();
    if (event == events::AiTaskList) {
        if (!payload.value(QStringLiteral("tasks")).isArray())
            qCWarning(lcClientCore) << "ignoring a task list without a list";
        else
            emit listReceived(readableTasks(payload.value(QStringLiteral("tasks")), "task list"));
        return;
    }
    auto task = Task::fromJson(payload);
    // The next event about that task, or the list after the next connect, says it again.
    if (!task.ok())
        qCWarning(lcClientCore) << "ignoring a malformed" << event << task.error().describe();
    else
        emit taskChanged(task.value());
}

CommandResult TaskClient::start(const TaskStart& request)
{
    if (request.kind.isEmpty())
        return CommandResult::refused(Refusal::InvalidValue, tr("Which kind of task to start?"),
                                      QStringLiteral("kind"));
    m_rest.post(QStringLiteral("/api/tasks"), request.toJson(),
                [this, self = QPointer(this)](const RestReply& reply) {
                    if (!self)
                        return;
                    if (!reply.ok()) {
                        emit taskRefused({}, restFailure(reply));
                        return;
                    }
                    auto task = Task::fromJson(reply.body.toObject());
                    if (!task.ok()) {
                        emit taskRefused({}, CommandResult::refused(
                                                 Refusal::Rejected,
                                                 tr("The server's answer could not be read: %1")
                                                     .arg(task.error().describe())));
                        return;
                    }
                    emit taskChanged(task.value());
                    emit taskStarted(task.value());
                });
    return CommandResult::done({});
}

CommandResult TaskClient::cancel(const QString& id)
{
    return ask(events::TaskCancel, id);
}

CommandResult TaskClient::retry(const QString& id)
{
    return ask(events::TaskRetry, id);
}

CommandResult TaskClient::ask(QLatin1StringView event, const QString& id)
{
    if (id.isEmpty())
        return CommandResult::refused(Refusal::NotFound, tr("No such task"));
    if (m_connection.state() != ConnectionState::Online)
        return offline();
    m_connection.emitWithAck(
        QString(event), {TaskRef{id, {}}.toJson()},
        [this, self = QPointer(this), id](const AckOutcome& outcome) {
            if (!self)
                return;
            if (!outcome.ok()) {
                emit taskRefused(id, unanswered(outcome));
                return;
            }
            auto answer = TaskAnswer::fromJson(
                outcome.args.isEmpty() ? QJsonObject() : outcome.args.first().toObject());
            if (!answer.ok() || !answer.value().ok() || !answer.value().task) {
                const QString why = !answer.ok()          ? answer.error().describe()
                                    : answer.value().ok() ? tr("The server sent no task")
                                                          : answer.value().error->message;
                emit taskRefused(id, CommandResult::refused(Refusal::Rejected, why));
                return;
            }
            emit taskChanged(*answer.value().task);
        });
    return CommandResult::done(id);
}

CommandResult TaskClient::refresh()
{
    if (m_connection.state() != ConnectionState::Online)
        return offline();
    m_connection.emitWithAck(QString(events::TaskList), {QJsonObject{}},
                             [this, self = QPointer(this)](const AckOutcome& outcome) {
                                 if (!self || !outcome.ok())
                                     return; // the list comes again after the next catch-up
                                 const QJsonObject answer = outcome.args.isEmpty()
                                                                ? QJsonObject()
                                                                : outcome.args.first().toObject();
                                 if (answer.value(QStringLiteral("tasks")).isArray())
                                     emit listReceived(readableTasks(
                                         answer.value(QStringLiteral("tasks")), "task list"));
                                 else
                                     qCWarning(lcClientCore) << "the task list could not be read";
                             });
    return CommandResult::done({});
}

CommandResult TaskClient::fetchFile(const QString& id, const QString& role)
{
    if (id.isEmpty() || role.isEmpty())
        return CommandResult::refused(Refusal::NotFound, tr("No such task file"));
    m_rest.get(QStringLiteral("/api/tasks/%1/%2").arg(id, role),
               [this, self = QPointer(this), id, role](const RestReply& reply) {
                   if (!self)
                       return;
                   if (!reply.ok())
                       emit taskRefused(id, restFailure(reply));
                   else
                       emit fileFetched(id, role, reply.text);
               });
    return CommandResult::done(id);
}

QList<Task> TaskClient::cached() const
{
    // Kept as the bare array ai:task:list carries.
    return readableTasks(QJsonDocument::fromJson(m_store.metaValue(kCacheKey).toUtf8()).array(),
                         "kept task list");
}

bool TaskClient::keep(const QList<Task>& tasks)
{
    const QJsonArray all = TaskList{tasks}.toJson().value(QStringLiteral("tasks")).toArray();
    return m_store.setMetaValue(
        kCacheKey, QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact)));
}

} // namespace crm
