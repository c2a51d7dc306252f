#pragma once

#include "server/tasks/agenttask.h"

#include <optional>
#include <QHash>
#include <QList>

namespace crm {

class Database;

// Rows of agent_tasks and their files (an import's CSV, an export's output, a report).
class TaskStore
{
public:
    explicit TaskStore(Database& db);

    // The task and its input file in one transaction.
    bool insert(const AgentTask& task, const QString& input = {});
    bool update(const AgentTask& task);
    std::optional<AgentTask> find(const QString& id);
    // Oldest first: the scheduler's queue and the restart recovery read these.
    QList<AgentTask> withStatus(AgentTask::Status status);
    // How many tasks are in each status ("queued" -> 2, ...), for /metrics.
    QHash<QString, qint64> countByStatus();
    // What `viewer` sees: every active task plus the newest finished ones, newest first.
    QList<AgentTask> recentFor(const Identity& viewer, int finishedLimit);

    bool putFile(const QString& taskId, const QString& role, const QString& content);
    std::optional<QString> file(const QString& taskId, const QString& role);

private:
    QList<AgentTask> select(const QString& where, const QVariantList& binds);

    Database& m_db;
};

} // namespace crm
