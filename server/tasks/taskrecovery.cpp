// TaskRunner's recovery half: what happens to a task whose runner stopped (a restart, a dead
// node), and, in a cluster, the leases that say which node runs which task (TaskLeases).
#include "server/storage/database.h"
#include "server/tasks/tasklogging.h"
#include "server/tasks/taskrunner.h"
#include "server/tasks/taskstore.h"

namespace crm {

void TaskRunner::recover()
{
    // In a cluster a running task may be another node's, alive and well: only one whose lease
    // lapsed is taken over, now and at every lease check.
    if (!m_options.leaseNode.isEmpty()) {
        m_leaseCheck.start();
        return checkLeases();
    }
    for (const auto& task : m_s.store.withStatus(AgentTask::Status::Running))
        resumeInterrupted(task, QStringLiteral("a server restart"));
    schedule();
}

void TaskRunner::resumeInterrupted(AgentTask task, const QString& why)
{
    task.finishedAt.clear();
    if (task.external || task.cancelRequested) {
        task.status = task.external ? AgentTask::Status::Failed : AgentTask::Status::Cancelled;
        task.error = task.external ? QStringLiteral("Interrupted by %1").arg(why) : QString();
        task.finishedAt = now();
    } else {
        // A new attempt: progress starts again from 0, and the job skips finished work.
        task.status = AgentTask::Status::Queued;
        task.attempt += 1;
        task.progress = 0;
        task.step = QStringLiteral("Resuming after %1").arg(why);
    }
    qCInfo(lcTasks) << "task" << task.id << "was interrupted by" << why << "; now"
                    << taskStatusName(task.status);
    publish(task, taskEventName(task.status));
}

void TaskRunner::checkLeases()
{
    if (m_stopped)
        return;
    QStringList cancels;
    for (const auto& id : m_leases.renew(m_running.keys(), &cancels)) {
        // This node stalled past its lease and another one resumed the task: two runners would
        // write the same rows, so this one stops without a word (the other one reports).
        qCWarning(lcTasks) << "task" << id << "was taken over by another node; stopping here";
        m_running.remove(id);
    }
    for (const auto& id : std::as_const(cancels))
        cancelHere(id);
    for (const auto& id : m_leases.lapsed()) {
        const auto cancelWanted = m_leases.takeOver(id);
        if (!cancelWanted)
            continue; // another node was quicker
        if (auto task = m_s.store.find(id); task && task->status == AgentTask::Status::Running) {
            task->cancelRequested = task->cancelRequested || *cancelWanted;
            resumeInterrupted(*task, QStringLiteral("the loss of the server node running it"));
        }
    }
    schedule();
}

} // namespace crm
