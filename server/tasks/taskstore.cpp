#include "server/tasks/taskstore.h"

#include "server/storage/database.h"

#include <QJsonDocument>

namespace crm {

namespace {

const QString kColumns = QStringLiteral(
    "t.id, t.brokerage_id, t.team_id, t.owner_id, COALESCE(u.display_name, ''), "
    "COALESCE(t.agent, ''), t.kind, t.title, t.status, t.progress, t.step, t.steps_done, "
    "t.steps_total, t.params, COALESCE(t.result, '{}'), COALESCE(t.error, ''), t.shared, "
    "t.external, COALESCE(t.client_id, ''), t.cancel_requested, t.attempt, t.created_at, "
    "COALESCE(t.started_at, ''), COALESCE(t.finished_at, ''), t.updated_at");

QString json(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QVariant orNull(const QString& value)
{
    return value.isEmpty() ? QVariant() : QVariant(value);
}

} // namespace

TaskStore::TaskStore(Database& db) : m_db(db) {}

bool TaskStore::insert(const AgentTask& t, const QString& input)
{
    Transaction transaction(m_db);
    auto query = m_db.query();
    const bool inserted = m_db.exec(
        query,
        QStringLiteral(
            "INSERT INTO agent_tasks (id, brokerage_id, team_id, owner_id, agent, kind, title, "
            "status, progress, step, steps_done, steps_total, params, result, error, shared, "
            "external, client_id, cancel_requested, attempt, created_at, started_at, "
            "finished_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?)"),
        {t.id,
         t.brokerageId,
         t.teamId,
         t.ownerId,
         orNull(t.agent),
         t.kind,
         t.title,
         taskStatusName(t.status),
         t.progress,
         t.step,
         t.stepsDone,
         t.stepsTotal,
         json(t.params),
         json(t.result),
         orNull(t.error),
         t.shared ? 1 : 0,
         t.external ? 1 : 0,
         orNull(t.clientId),
         t.cancelRequested ? 1 : 0,
         t.attempt,
         t.createdAt,
         orNull(t.startedAt),
         orNull(t.finishedAt),
         t.updatedAt});
    if (!inserted || (!input.isEmpty() && !putFile(t.id, QStringLiteral("input"), input)))
        return false;
    return transaction.commit();
}

bool TaskStore::update(const AgentTask& t)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE agent_tasks SET status = ?, progress = ?, step = ?, "
                                    "steps_done = ?, steps_total = ?, result = ?, error = ?, "
                                    "cancel_requested = ?, attempt = ?, started_at = ?, "
                                    "finished_at = ?, updated_at = ? WHERE id = ?"),
                     {taskStatusName(t.status), t.progress, t.step, t.stepsDone, t.stepsTotal,
                      json(t.result), orNull(t.error), t.cancelRequested ? 1 : 0, t.attempt,
                      orNull(t.startedAt), orNull(t.finishedAt), t.updatedAt, t.id});
}

QList<AgentTask> TaskStore::select(const QString& where, const QVariantList& binds)
{
    QList<AgentTask> tasks;
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT ") + kColumns +
                       QStringLiteral(" FROM agent_tasks t LEFT JOIN users u ON u.id = "
                                      "t.owner_id ") +
                       where,
                   binds))
        return tasks;
    while (query.next()) {
        AgentTask t;
        t.id = query.value(0).toString();
        t.brokerageId = query.value(1).toString();
        t.teamId = query.value(2).toString();
        t.ownerId = query.value(3).toString();
        t.ownerName = query.value(4).toString();
        t.agent = query.value(5).toString();
        t.kind = query.value(6).toString();
        t.title = query.value(7).toString();
        t.status =
            taskStatusFromName(query.value(8).toString()).value_or(AgentTask::Status::Failed);
        t.progress = query.value(9).toInt();
        t.step = query.value(10).toString();
        t.stepsDone = query.value(11).toLongLong();
        t.stepsTotal = query.value(12).toLongLong();
        t.params = QJsonDocument::fromJson(query.value(13).toString().toUtf8()).object();
        t.result = QJsonDocument::fromJson(query.value(14).toString().toUtf8()).object();
        t.error = query.value(15).toString();
        t.shared = query.value(16).toInt() != 0;
        t.external = query.value(17).toInt() != 0;
        t.clientId = query.value(18).toString();
        t.cancelRequested = query.value(19).toInt() != 0;
        t.attempt = query.value(20).toInt();
        t.createdAt = query.value(21).toString();
        t.startedAt = query.value(22).toString();
        t.finishedAt = query.value(23).toString();
        t.updatedAt = query.value(24).toString();
        tasks.append(t);
    }
    return tasks;
}

std::optional<AgentTask> TaskStore::find(const QString& id)
{
    const auto tasks = select(QStringLiteral("WHERE t.id = ?"), {id});
    if (tasks.isEmpty())
        return std::nullopt;
    return tasks.first();
}

QList<AgentTask> TaskStore::withStatus(AgentTask::Status status)
{
    return select(QStringLiteral("WHERE t.status = ? ORDER BY t.created_at, t.id"),
                  {taskStatusName(status)});
}

QHash<QString, qint64> TaskStore::countByStatus()
{
    QHash<QString, qint64> counts;
    auto query = m_db.query();
    if (m_db.exec(query, QStringLiteral("SELECT status, COUNT(*) FROM tasks GROUP BY status"))) {
        while (query.next())
            counts.insert(query.value(0).toString(), query.value(1).toLongLong());
    }
    return counts;
}

QList<AgentTask> TaskStore::recentFor(const Identity& viewer, int finishedLimit)
{
    // Visibility is decided by AgentTask::isVisibleTo; the query only narrows to the brokerage
    // and to what could pass it.
    QList<AgentTask> visible;
    int finished = 0;
    const auto candidates = select(
        QStringLiteral("WHERE t.brokerage_id = ? AND (t.owner_id = ? OR t.shared = 1 OR ? = 1) "
                       "ORDER BY t.created_at DESC, t.id LIMIT 1000"),
        {viewer.brokerageId, viewer.userId, viewer.isBrokerAdmin() ? 1 : 0});
    for (const auto& task : candidates) {
        if (!task.isVisibleTo(viewer))
            continue;
        if (task.isFinal() && ++finished > finishedLimit)
            continue;
        visible.append(task);
    }
    return visible;
}

bool TaskStore::putFile(const QString& taskId, const QString& role, const QString& content)
{
    auto remove = m_db.query();
    auto insert = m_db.query();
    return m_db.exec(remove,
                     QStringLiteral("DELETE FROM task_files WHERE task_id = ? AND role = ?"),
                     {taskId, role}) &&
           m_db.exec(insert,
                     QStringLiteral("INSERT INTO task_files (task_id, role, content) VALUES (?, ?, "
                                    "?)"),
                     {taskId, role, content});
}

std::optional<QString> TaskStore::file(const QString& taskId, const QString& role)
{
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT content FROM task_files WHERE task_id = ? AND role = ?"),
                   {taskId, role}) ||
        !query.next())
        return std::nullopt;
    return query.value(0).toString();
}

} // namespace crm
