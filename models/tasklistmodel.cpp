#include "models/tasklistmodel.h"

#include "core/localstore.h"
#include "models/modelslogging.h"
#include "protocol/eventnames.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"

#include <QDateTime>
#include <QJsonDocument>

namespace crm {

namespace {

const QString kCacheKey = QStringLiteral("task_list");

QString str(const QJsonObject& task, const char* key)
{
    return task.value(QLatin1String(key)).toString();
}

bool isActiveStatus(const QString& status)
{
    return status == u"queued" || status == u"running";
}

QVariant timeOf(const QJsonObject& task, const char* key)
{
    const QString text = str(task, key);
    if (text.isEmpty())
        return {};
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

} // namespace

TaskListModel::TaskListModel(ConnectionManager& connection, RestClient& rest, LocalStore* cache,
                             QObject* parent)
    : QAbstractListModel(parent), m_connection(connection), m_rest(rest), m_cache(cache)
{
    if (m_cache) {
        const QJsonArray cached =
            QJsonDocument::fromJson(m_cache->metaValue(kCacheKey).toUtf8()).array();
        for (const auto& value : cached)
            m_tasks.append(value.toObject());
        m_lastActive = activeCount();
    }
    connect(&m_connection, &ConnectionManager::eventReceived, this,
            [this](const QString& event, const QJsonArray& args, const AckResponder&) {
                if (event.startsWith(events::AiTaskPrefix))
                    onEvent(event, args);
            });
}

int TaskListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_tasks.size());
}

QVariant TaskListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject& task = m_tasks.at(index.row());
    const QString status = str(task, "status");
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return str(task, "title");
    case Qt::ToolTipRole:
        return str(task, "step");
    case IdRole:
        return str(task, "id");
    case KindRole:
        return str(task, "kind");
    case StatusRole:
        return status;
    case ProgressRole:
        return task.value(QStringLiteral("progress")).toInt();
    case StepRole:
        return str(task, "step");
    case StepsDoneRole:
        return task.value(QStringLiteral("stepsDone")).toInteger();
    case StepsTotalRole:
        return task.value(QStringLiteral("stepsTotal")).toInteger();
    case ErrorRole:
        return str(task, "error");
    case ResultRole:
        return task.value(QStringLiteral("result")).toObject().toVariantMap();
    case OwnerNameRole:
        return str(task, "ownerName");
    case AgentRole:
        return str(task, "agent");
    case ExternalRole:
        return task.value(QStringLiteral("external")).toBool();
    case SharedRole:
        return task.value(QStringLiteral("shared")).toBool();
    case CancelRequestedRole:
        return task.value(QStringLiteral("cancelRequested")).toBool();
    case AttemptRole:
        return task.value(QStringLiteral("attempt")).toInt();
    case CreatedAtRole:
        return timeOf(task, "createdAt");
    case StartedAtRole:
        return timeOf(task, "startedAt");
    case FinishedAtRole:
        return timeOf(task, "finishedAt");
    case ActiveRole:
        return isActiveStatus(status);
    case CanCancelRole:
        return isActiveStatus(status) && !task.value(QStringLiteral("cancelRequested")).toBool();
    case CanRetryRole:
        return (status == u"failed" || status == u"cancelled") &&
               !task.value(QStringLiteral("external")).toBool();
    case CanDownloadRole:
        return !task.value(QStringLiteral("restricted")).toBool();
    default:
        return {};
    }
}

QHash<int, QByteArray> TaskListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "taskId"},
                  {KindRole, "kind"},
                  {TitleRole, "title"},
                  {StatusRole, "status"},
                  {ProgressRole, "progress"},
                  {StepRole, "step"},
                  {StepsDoneRole, "stepsDone"},
                  {StepsTotalRole, "stepsTotal"},
                  {ErrorRole, "error"},
                  {ResultRole, "result"},
                  {OwnerNameRole, "ownerName"},
                  {AgentRole, "agent"},
                  {ExternalRole, "external"},
                  {SharedRole, "shared"},
                  {CancelRequestedRole, "cancelRequested"},
                  {AttemptRole, "attempt"},
                  {CreatedAtRole, "createdAt"},
                  {StartedAtRole, "startedAt"},
                  {FinishedAtRole, "finishedAt"},
                  {ActiveRole, "active"},
                  {CanCancelRole, "canCancel"},
                  {CanRetryRole, "canRetry"},
                  {CanDownloadRole, "canDownload"}});
    return names;
}

int TaskListModel::rowOf(const QString& id) const
{
    for (int row = 0; row < m_tasks.size(); ++row) {
        if (str(m_tasks.at(row), "id") == id)
            return row;
    }
    return -1;
}

QJsonObject TaskListModel::task(const QString& id) const
{
    const int row = rowOf(id);
    return row < 0 ? QJsonObject() : m_tasks.at(row);
}

int TaskListModel::activeCount() const
{
    return static_cast<int>(std::count_if(m_tasks.begin(), m_tasks.end(), [](const auto& task) {
        return isActiveStatus(str(task, "status"));
    }));
}

bool TaskListModel::isNewer(const QJsonObject& incoming, const QJsonObject& current)
{
    const int attempt = incoming.value(QStringLiteral("attempt")).toInt();
    const int currentAttempt = current.value(QStringLiteral("attempt")).toInt();
    if (attempt != currentAttempt)
        return attempt > currentAttempt;
    // Within an attempt a final state is never undone, and progress never goes back.
    if (!isActiveStatus(str(current, "status")) && isActiveStatus(str(incoming, "status")))
        return false;
    return str(incoming, "updatedAt") >= str(current, "updatedAt");
}

void TaskListModel::onEvent(const QString& event, const QJsonArray& args)
{
    const QJsonObject payload = args.first().toObject();
    if (event == events::AiTaskList)
        replaceAll(payload.value(QStringLiteral("tasks")).toArray());
    else if (event != events::AiTaskCancel && payload.contains(QStringLiteral("id")))
        upsert(payload);
}

void TaskListModel::upsert(const QJsonObject& incoming)
{
    const QString id = str(incoming, "id");
    const int row = rowOf(id);
    bool stateChanged = true;
    if (row < 0) {
        // Newest first: a new task goes on top, history beyond the bound falls off the end.
        beginInsertRows({}, 0, 0);
        m_tasks.prepend(incoming);
        endInsertRows();
        if (m_tasks.size() > kMaxRows) {
            beginRemoveRows({}, kMaxRows, static_cast<int>(m_tasks.size()) - 1);
            m_tasks.resize(kMaxRows);
            endRemoveRows();
        }
    } else {
        const QJsonObject current = m_tasks.at(row);
        if (!isNewer(incoming, current))
            return;
        m_tasks[row] = incoming;
        QList<int> roles{ProgressRole, StepRole, StepsDoneRole, StepsTotalRole, Qt::ToolTipRole};
        stateChanged =
            str(current, "status") != str(incoming, "status") ||
            current.value(QStringLiteral("attempt")) != incoming.value(QStringLiteral("attempt")) ||
            current.value(QStringLiteral("cancelRequested")) !=
                incoming.value(QStringLiteral("cancelRequested"));
        if (stateChanged)
            roles << StatusRole << ErrorRole << ResultRole << CancelRequestedRole << AttemptRole
                  << StartedAtRole << FinishedAtRole << ActiveRole << CanCancelRole << CanRetryRole
                  << CanDownloadRole;
        emit dataChanged(index(row), index(row), roles);
        if (stateChanged && isActiveStatus(str(current, "status")) &&
            !isActiveStatus(str(incoming, "status")))
            emit taskFinished(id, str(incoming, "status"));
    }
    const int active = activeCount();
    if (active != m_lastActive) {
        m_lastActive = active;
        emit activeCountChanged(active);
    }
    // Progress is not worth a disk write: the next state change or list brings it anyway.
    if (stateChanged && !m_batching)
        saveCache();
}

void TaskListModel::replaceAll(const QJsonArray& tasks)
{
    // Merged row by row, so a card that is on screen keeps its place instead of blinking.
    QSet<QString> listed;
    for (const auto& value : tasks)
        listed.insert(str(value.toObject(), "id"));
    for (int row = static_cast<int>(m_tasks.size()) - 1; row >= 0; --row) {
        if (listed.contains(str(m_tasks.at(row), "id")))
            continue;
        beginRemoveRows({}, row, row);
        m_tasks.removeAt(row);
        endRemoveRows();
    }
    // The list is newest first: insert from the oldest, so each new one lands on top.
    m_batching = true;
    for (auto it = tasks.end(); it != tasks.begin();) {
        --it;
        upsert(it->toObject());
    }
    m_batching = false;
    saveCache();
}

void TaskListModel::saveCache()
{
    if (!m_cache)
        return;
    QJsonArray all;
    for (const auto& task : std::as_const(m_tasks))
        all.append(task);
    m_cache->setMetaValue(kCacheKey,
                          QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact)));
}

void TaskListModel::start(const QString& kind, const QString& title, const QJsonObject& params,
                          const QString& input, bool shared)
{
    QJsonObject body{{QStringLiteral("kind"), kind},
                     {QStringLiteral("title"), title},
                     {QStringLiteral("params"), params},
                     {QStringLiteral("shared"), shared}};
    if (!input.isEmpty())
        body.insert(QStringLiteral("input"), input);
    m_rest.post(QStringLiteral("/api/tasks"), body, [this](const RestReply& reply) {
        if (!reply.ok()) {
            emit actionFailed({}, reply.error.message.isEmpty() ? reply.error.describe()
                                                                : reply.error.message);
            return;
        }
        const QJsonObject task = reply.body.toObject();
        upsert(task);
        emit taskStarted(str(task, "id"));
    });
}

void TaskListModel::cancel(const QString& id)
{
    act(QString(events::TaskCancel), id);
}

void TaskListModel::retry(const QString& id)
{
    act(QString(events::TaskRetry), id);
}

void TaskListModel::act(const QString& event, const QString& id)
{
    m_connection.emitWithAck(
        event, {QJsonObject{{QStringLiteral("id"), id}}}, [this, id](const AckOutcome& outcome) {
            const QJsonObject answer = outcome.args.first().toObject();
            if (!outcome.ok()) {
                emit actionFailed(id, tr("Not connected: try again when the badge says Live"));
            } else if (answer.value(QStringLiteral("status")) != QStringLiteral("ok")) {
                emit actionFailed(id, answer.value(QStringLiteral("error"))
                                          .toObject()
                                          .value(QStringLiteral("message"))
                                          .toString());
            } else {
                upsert(answer.value(QStringLiteral("task")).toObject());
            }
        });
}

void TaskListModel::fetchFile(const QString& id, const QString& role)
{
    m_rest.get(QStringLiteral("/api/tasks/%1/%2").arg(id, role),
               [this, id, role](const RestReply& reply) {
                   if (!reply.ok())
                       emit actionFailed(id, reply.error.message.isEmpty() ? reply.error.describe()
                                                                           : reply.error.message);
                   else
                       emit fileFetched(id, role, reply.text);
               });
}

void TaskListModel::refresh()
{
    m_connection.emitWithAck(QString(events::TaskList), {QJsonObject{}},
                             [this](const AckOutcome& outcome) {
                                 const QJsonObject answer = outcome.args.first().toObject();
                                 if (outcome.ok() && answer.contains(QStringLiteral("tasks")))
                                     replaceAll(answer.value(QStringLiteral("tasks")).toArray());
                             });
}

} // namespace crm
