#pragma once

#include <chrono>
#include <optional>
#include <QString>
#include <QStringList>

namespace crm {

class Database;

// Who runs which built-in task, when several processes (the nodes of a cluster) share one task
// queue. A node claims a queued task atomically (a second claimant finds it taken) and holds it
// under a lease it renews while the task runs; a task whose lease lapsed belongs to a node that
// died, and another node takes it over. A cancel asked on a node that does not run the task is
// left here for the node that does (it reads it when it renews).
class TaskLeases
{
public:
    TaskLeases(Database& db, QString node, std::chrono::milliseconds length);

    // Queued -> running under this node's lease; false when another process claimed it first.
    bool claim(const QString& taskId);
    // Extends the leases of the tasks this node runs (`running`). Returns those whose lease it
    // no longer holds (it stalled longer than a lease, and another node took them over): they
    // must stop here at once. *cancelWanted: those someone asked to cancel.
    QStringList renew(const QStringList& running, QStringList* cancelWanted);
    // Running built-in tasks whose lease lapsed (their node is gone), or that never had one (they
    // ran before this database served a cluster).
    QStringList lapsed();
    // Takes a lapsed task for this node: nullopt when another node was quicker, else whether a
    // cancel was asked for it meanwhile.
    std::optional<bool> takeOver(const QString& taskId);
    // For the node running it: cancel this task.
    bool askCancel(const QString& taskId);
    // Cancels a task nobody has claimed yet; false when a node claimed it first.
    bool unqueue(const QString& taskId);

    std::chrono::milliseconds length() const { return m_length; }

private:
    qint64 until() const;

    Database& m_db;
    QString m_node;
    std::chrono::milliseconds m_length;
};

} // namespace crm
