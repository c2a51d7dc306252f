#include "core/taskclient.h"

#include "core/corelogging.h"
#include "core/localstore.h"
#include "protocol/eventnames.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace crm {

namespace {

const QString kCacheKey = QStringLiteral("task_list");

using Refusal = CommandResult::Refusal;

CommandResult offline()
{
    return CommandResult::refused(
        Refusal::Offline, TaskClient::tr("Not connected: try again when the badge says Live"));
}

QString restFailure(const RestReply& reply)
{
    return reply.error.message.isEmpty() ? reply.error.describe() : reply.error.message;
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
    const QJsonObject payload = args.first().toObject();
    if (event == events::AiTaskList) {
        auto list = TaskList::fromJson(payload);
        if (!list.ok())
            qCWarning(lcClientCore) << "ignoring a malformed task list:" << list.error().describe();
        else
            emit listReceived(list.value().tasks);
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
    m_rest.post(QStringLiteral("/api/tasks"), request.toJson(), [this](const RestReply& reply) {
        if (!reply.ok()) {
            emit taskRefused({}, CommandResult::refused(Refusal::Rejected, restFailure(reply)));
            return;
        }
        auto task = Task::fromJson(reply.body.toObject());
        if (!task.ok()) {
            emit taskRefused(
                {},
                CommandResult::refused(
                    Refusal::Rejected,
                    tr("The server's answer could not be read: %1").arg(task.error().describe())));
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
        QString(event), {TaskRef{id, {}}.toJson()}, [this, id](const AckOutcome& outcome) {
            if (!outcome.ok()) {
                emit taskRefused(id, offline());
                return;
            }
            auto answer = TaskAnswer::fromJson(outcome.args.first().toObject());
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
    m_connection.emitWithAck(
        QString(events::TaskList), {QJsonObject{}}, [this](const AckOutcome& outcome) {
            if (!outcome.ok())
                return; // the list comes again after the next catch-up
            auto answer = TaskAnswer::fromJson(outcome.args.first().toObject());
            if (answer.ok() && answer.value().list)
                emit listReceived(answer.value().list->tasks);
            else
                qCWarning(lcClientCore) << "the task list could not be read";
        });
    return CommandResult::done({});
}

CommandResult TaskClient::fetchFile(const QString& id, const QString& role)
{
    if (id.isEmpty() || role.isEmpty())
        return CommandResult::refused(Refusal::NotFound, tr("No such task file"));
    m_rest.get(
        QStringLiteral("/api/tasks/%1/%2").arg(id, role), [this, id, role](const RestReply& reply) {
            if (!reply.ok())
                emit taskRefused(id, CommandResult::refused(Refusal::Rejected, restFailure(reply)));
            else
                emit fileFetched(id, role, reply.text);
        });
    return CommandResult::done(id);
}

QList<Task> TaskClient::cached() const
{
    // Kept as the bare array ai:task:list carries.
    const QJsonArray kept = QJsonDocument::fromJson(m_store.metaValue(kCacheKey).toUtf8()).array();
    auto list = TaskList::fromJson({{QStringLiteral("tasks"), kept}});
    if (!list.ok()) {
        qCWarning(lcClientCore) << "the kept task list could not be read:"
                                << list.error().describe();
        return {};
    }
    return list.value().tasks;
}

bool TaskClient::keep(const QList<Task>& tasks)
{
    const QJsonArray all = TaskList{tasks}.toJson().value(QStringLiteral("tasks")).toArray();
    return m_store.setMetaValue(
        kCacheKey, QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact)));
}

} // namespace crm
