#include "models/tasklistmodel.h"

#include "core/clientcore.h"
#include "models/modelslogging.h"

#include <QDateTime>

namespace crm {

namespace {

QVariant timeOf(const QString& text)
{
    if (text.isEmpty())
        return {};
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

} // namespace

TaskListModel::TaskListModel(ClientCore& core, QObject* parent)
    : QAbstractListModel(parent), m_client(core.tasks()), m_tasks(m_client.cached())
{
    m_lastActive = activeCount();
    connect(&m_client, &TaskClient::taskChanged, this, &TaskListModel::upsert);
    connect(&m_client, &TaskClient::listReceived, this, &TaskListModel::replaceAll);
    connect(&m_client, &TaskClient::taskStarted, this,
            [this](const Task& task) { emit taskStarted(task.id); });
    connect(&m_client, &TaskClient::taskRefused, this, &TaskListModel::report);
    connect(&m_client, &TaskClient::fileFetched, this, &TaskListModel::fileFetched);
}

int TaskListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_tasks.size());
}

QVariant TaskListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Task& task = m_tasks.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return task.title;
    case Qt::ToolTipRole:
    case StepRole:
        return task.step;
    case IdRole:
        return task.id;
    case KindRole:
        return task.kind;
    case StatusRole:
        return taskStatusName(task.status);
    case ProgressRole:
        return task.progress;
    case StepsDoneRole:
        return task.stepsDone;
    case StepsTotalRole:
        return task.stepsTotal;
    case ErrorRole:
        return task.error;
    case ResultRole:
        return task.result.toVariantMap();
    case OwnerNameRole:
        return task.ownerName;
    case AgentRole:
        return task.agent;
    case ExternalRole:
        return task.external;
    case SharedRole:
        return task.shared;
    case CancelRequestedRole:
        return task.cancelRequested;
    case AttemptRole:
        return task.attempt;
    case CreatedAtRole:
        return timeOf(task.createdAt);
    case StartedAtRole:
        return timeOf(task.startedAt);
    case FinishedAtRole:
        return timeOf(task.finishedAt);
    case ActiveRole:
        return task.isActive();
    case CanCancelRole:
        return task.isActive() && !task.cancelRequested;
    case CanRetryRole:
        return (task.status == TaskStatus::Failed || task.status == TaskStatus::Cancelled) &&
               !task.external;
    case CanDownloadRole:
        return !task.restricted;
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
        if (m_tasks.at(row).id == id)
            return row;
    }
    return -1;
}

std::optional<Task> TaskListModel::task(const QString& id) const
{
    const int row = rowOf(id);
    if (row < 0)
        return std::nullopt;
    return m_tasks.at(row);
}

int TaskListModel::activeCount() const
{
    return static_cast<int>(std::count_if(m_tasks.begin(), m_tasks.end(),
                                          [](const Task& task) { return task.isActive(); }));
}

void TaskListModel::upsert(const Task& incoming)
{
    const int row = rowOf(incoming.id);
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
        const Task current = m_tasks.at(row);
        if (!current.isOlderThan(incoming))
            return;
        m_tasks[row] = incoming;
        QList<int> roles{ProgressRole, StepRole, StepsDoneRole, StepsTotalRole, Qt::ToolTipRole};
        stateChanged = current.status != incoming.status || current.attempt != incoming.attempt ||
                       current.cancelRequested != incoming.cancelRequested;
        if (stateChanged)
            roles << StatusRole << ErrorRole << ResultRole << CancelRequestedRole << AttemptRole
                  << StartedAtRole << FinishedAtRole << ActiveRole << CanCancelRole << CanRetryRole
                  << CanDownloadRole;
        emit dataChanged(index(row), index(row), roles);
        if (stateChanged && current.isActive() && incoming.isFinal())
            emit taskFinished(incoming.id, taskStatusName(incoming.status));
    }
    const int active = activeCount();
    if (active != m_lastActive) {
        m_lastActive = active;
        emit activeCountChanged(active);
    }
    // Progress is not worth a disk write: the next state change or list brings it anyway.
    if (stateChanged && !m_batching && !m_client.keep(m_tasks))
        qCWarning(lcTaskList) << "the task list could not be kept in the profile";
}

void TaskListModel::replaceAll(const QList<Task>& tasks)
{
    // Merged row by row, so a card that is on screen keeps its place instead of blinking.
    QSet<QString> listed;
    for (const auto& task : tasks)
        listed.insert(task.id);
    for (int row = static_cast<int>(m_tasks.size()) - 1; row >= 0; --row) {
        if (listed.contains(m_tasks.at(row).id))
            continue;
        beginRemoveRows({}, row, row);
        m_tasks.removeAt(row);
        endRemoveRows();
    }
    // The list is newest first: insert from the oldest, so each new one lands on top.
    m_batching = true;
    for (auto it = tasks.rbegin(); it != tasks.rend(); ++it)
        upsert(*it);
    m_batching = false;
    if (!m_client.keep(m_tasks))
        qCWarning(lcTaskList) << "the task list could not be kept in the profile";
}

void TaskListModel::report(const QString& id, const CommandResult& result)
{
    if (!result.ok())
        emit actionFailed(id, result.message);
}

void TaskListModel::start(const TaskStart& request)
{
    report({}, m_client.start(request));
}

void TaskListModel::cancel(const QString& id)
{
    report(id, m_client.cancel(id));
}

void TaskListModel::retry(const QString& id)
{
    report(id, m_client.retry(id));
}

void TaskListModel::fetchFile(const QString& id, const QString& role)
{
    report(id, m_client.fetchFile(id, role));
}

void TaskListModel::refresh()
{
    // Offline, the list comes with the next catch-up anyway: nothing to say.
    m_client.refresh();
}

} // namespace crm
