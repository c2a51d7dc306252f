#include "server/tasks/taskleases.h"

#include "server/storage/database.h"

#include <QDateTime>

namespace crm {

TaskLeases::TaskLeases(Database& db, QString node, std::chrono::milliseconds length)
    : m_db(db), m_node(std::move(node)), m_length(length)
{}

qint64 TaskLeases::until() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_length.count();
}

bool TaskLeases::claim(const QString& taskId)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE agent_tasks SET status = 'running', lease_node = ?, "
                                    "lease_until = ?, cancel_wanted = 0 WHERE id = ? AND "
                                    "status = 'queued'"),
                     {m_node, until(), taskId}) &&
           query.numRowsAffected() == 1;
}

QStringList TaskLeases::renew(const QStringList& running, QStringList* cancelWanted)
{
    QStringList lost;
    for (const auto& id : running) {
        auto extend = m_db.query();
        if (!m_db.exec(extend,
                       QStringLiteral("UPDATE agent_tasks SET lease_until = ? WHERE id = ? AND "
                                      "lease_node = ? AND status = 'running'"),
                       {until(), id, m_node}))
            continue; // the database is away: the lease is not known to be lost
        if (extend.numRowsAffected() != 1)
            lost.append(id);
    }
    auto wanted = m_db.query();
    if (m_db.exec(wanted,
                  QStringLiteral("SELECT id FROM agent_tasks WHERE lease_node = ? AND "
                                 "status = 'running' AND cancel_wanted = 1"),
                  {m_node})) {
        while (wanted.next())
            cancelWanted->append(wanted.value(0).toString());
    }
    return lost;
}

QStringList TaskLeases::lapsed()
{
    QStringList ids;
    auto query = m_db.query();
    if (m_db.exec(query,
                  QStringLiteral("SELECT id FROM agent_tasks WHERE status = 'running' AND "
                                 "external = 0 AND (lease_until IS NULL OR lease_until < ?) "
                                 "ORDER BY created_at"),
                  {QDateTime::currentMSecsSinceEpoch()})) {
        while (query.next())
            ids.append(query.value(0).toString());
    }
    return ids;
}

std::optional<bool> TaskLeases::takeOver(const QString& taskId)
{
    auto take = m_db.query();
    if (!m_db.exec(take,
                   QStringLiteral("UPDATE agent_tasks SET lease_node = ?, lease_until = ? WHERE "
                                  "id = ? AND status = 'running' AND external = 0 AND "
                                  "(lease_until IS NULL OR lease_until < ?)"),
                   {m_node, until(), taskId, QDateTime::currentMSecsSinceEpoch()}) ||
        take.numRowsAffected() != 1)
        return std::nullopt;
    auto wanted = m_db.query();
    if (!m_db.exec(wanted, QStringLiteral("SELECT cancel_wanted FROM agent_tasks WHERE id = ?"),
                   {taskId}) ||
        !wanted.next())
        return false;
    return wanted.value(0).toInt() == 1;
}

bool TaskLeases::unqueue(const QString& taskId)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE agent_tasks SET status = 'cancelled' WHERE id = ? AND "
                                    "status = 'queued'"),
                     {taskId}) &&
           query.numRowsAffected() == 1;
}

bool TaskLeases::askCancel(const QString& taskId)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE agent_tasks SET cancel_wanted = 1 WHERE id = ? AND "
                                    "status = 'running'"),
                     {taskId}) &&
           query.numRowsAffected() == 1;
}

} // namespace crm
