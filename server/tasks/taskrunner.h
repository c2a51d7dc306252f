#pragma once

#include "protocol/taskrequest.h"
#include "server/tasks/agenttask.h"
#include "server/tasks/taskjob.h"
#include "server/tasks/taskleases.h"

#include <chrono>
#include <functional>
#include <memory>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace crm {

class Database;
class MutationService;
class RecordStore;
class TaskStore;
class UserDirectory;
struct ChangeEntry;

// Runs and tracks tasks (docs/protocol.md 5.6). Built-in jobs run inside the server's one
// thread in time slices, a few per brokerage at once (the rest wait, queued); external agents
// report their own progress. Every state change is persisted before it is announced through
// taskChanged, and progress announcements are throttled per task. After a restart, built-in
// tasks that were running resume (an import skips the rows it already stored) and external
// ones fail "interrupted by a server restart", so nothing stays "running" forever.
class TaskRunner : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxRunningPerBrokerage = 2;
        std::chrono::milliseconds progressInterval{100}; // at most ~10 progress events a second
        std::chrono::milliseconds sliceBudget{8};        // work per event-loop turn, all tasks
        int finishedHistory = 50;                        // finished tasks a client is sent
        qsizetype maxInputBytes = 32 * 1024 * 1024;
        // An external task whose agent neither reports nor confirms a cancel ends after these.
        std::chrono::milliseconds agentSilence{std::chrono::minutes(10)};
        std::chrono::milliseconds agentCancelGrace{std::chrono::seconds(10)};
        // One node of a cluster (its id): other nodes run tasks from the same table, each
        // built-in task under a lease (TaskLeases). Empty: the only process running tasks.
        QString leaseNode;
        std::chrono::milliseconds leaseLength{std::chrono::seconds(15)};
    };
    struct Services
    {
        Database& db;
        TaskStore& store;
        MutationService& mutations;
        RecordStore& records;
        UserDirectory& users;
        // Fans a committed change out like a user's own edit.
        std::function<void(const ChangeEntry&)> broadcast;
    };
    // A task, or why not: code is bad_request, unknown_kind, not_found, forbidden, too_large,
    // not_running, not_retryable or storage; message is for people.
    struct Reply
    {
        std::optional<AgentTask> task;
        ErrorCode code = ErrorCode::Unknown;
        QString message;
        // The answer for `viewer`: the task as they may read it (AgentTask::viewFor).
        TaskAnswer answerFor(const Identity& viewer) const;
        QJsonObject toJson(const Identity& viewer) const { return answerFor(viewer).toJson(); }
    };

    TaskRunner(Services services, Options options, QObject* parent = nullptr);
    ~TaskRunner() override;

    // Queues a built-in job, or registers a running "agent" task run by the caller's process.
    Reply start(const Identity& who, const TaskStart& request, const QString& clientId);
    Reply cancel(const Identity& who, const QString& id);
    // Another node was asked to cancel this task, which this node runs (cluster only).
    void cancelHere(const QString& id);
    Reply retry(const Identity& who, const QString& id);
    // An external agent's progress, step, or final state (docs/protocol.md 5.6).
    // The report is read (TaskReport) once the task is known to be the caller's to report on,
    // so a stranger learns nothing from a malformed one.
    Reply report(const Identity& who, const QString& id, const QJsonObject& json);
    Reply find(const Identity& who, const QString& id);
    QList<AgentTask> visibleTo(const Identity& who);
    // A finished task's file ("output" of an export, "report" of an import or de-duplication),
    // for its owner or a broker admin only (AgentTask::showsAllTo).
    std::optional<QString> file(const Identity& who, const QString& id, const QString& role);

    // Resumes or fails what a previous run left "running"; starts the queue.
    void recover();
    // The server is stopping: no slice starts after this one (slices never overlap the event
    // loop, so none is cut), throttled progress is stored now, and running tasks stay
    // "running" in storage for recover() at the next start.
    void stop();

signals:
    // event: ai:task:queued|started|progress|completed|failed|cancelled
    void taskChanged(const crm::AgentTask& task, const QString& event);
    // A built-in task another node runs was asked to stop (cluster only): that node's
    // cancelHere() must hear of it (the lease renewal reads it too, in case it does not).
    void cancelElsewhere(const QString& taskId);
    // An external task's owner asked to cancel: its agent process must stop.
    void cancelRequested(const crm::AgentTask& task);

private:
    class Run;
    enum class Publish
    {
        Now,             // state changes: stored and announced at once
        Throttled,       // a run's progress: announced at most every progressInterval
        ThrottledStored, // an agent's report: stored at once, announced as above
    };

    // Timestamps as tasks store them (ISO 8601 UTC with milliseconds).
    static QString now();
    void schedule();
    void tick();
    // Cluster only: renews this node's leases, stops what others asked to cancel, and resumes
    // tasks whose node died.
    void checkLeases();
    // A task that was running when its process stopped: queued for a new attempt (built-in) or
    // ended (external, or cancelled meanwhile).
    void resumeInterrupted(AgentTask task, const QString& why);
    void failSilentAgents();
    // Persists and announces (see Publish).
    void publish(AgentTask& task, const QString& event, Publish mode = Publish::Now);
    void flushQuietProgress();
    void finishRun(Run& run, AgentTask::Status status, const QString& error);
    Reply visibleTask(const Identity& who, const QString& id);
    // Visible, and `who` may cancel or retry it; else not_found or forbidden.
    Reply controllableTask(const Identity& who, const QString& id, const QString& verb);

    Services m_s;
    Options m_options;
    QHash<QString, std::shared_ptr<Run>> m_running; // built-in tasks in progress, by id
    QHash<QString, qint64> m_lastProgressMs;        // task id -> when progress last went out
    QSet<QString> m_quietProgress;                  // progress held back by the throttle
    QElapsedTimer m_clock;
    QTimer m_tick;
    QTimer m_silenceCheck;
    QTimer m_progressFlush;
    TaskLeases m_leases;
    QTimer m_leaseCheck;
    bool m_stopped = false;
};

} // namespace crm
