#include "server/tasks/taskrunner.h"

#include "protocol/eventnames.h"
#include "server/storage/database.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/storage/userdirectory.h"
#include "server/tasks/tasklogging.h"
#include "server/tasks/taskstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

namespace crm {

namespace {

TaskRunner::Reply refusal(ErrorCode code, const QString& message)
{
    return TaskRunner::Reply{std::nullopt, code, message};
}

QString defaultTitle(const TaskStart& request)
{
    const QString module = request.params.value(QStringLiteral("module")).toString();
    if (request.kind == QStringLiteral("csv_import"))
        return QStringLiteral("Import %1 from CSV").arg(module);
    if (request.kind == QStringLiteral("csv_export"))
        return QStringLiteral("Export %1 to CSV").arg(module);
    if (request.kind == QStringLiteral("lead_dedupe"))
        return request.params.value(QStringLiteral("merge")).toBool()
                   ? QStringLiteral("Merge duplicate leads")
                   : QStringLiteral("Find duplicate leads");
    return QStringLiteral("AI agent task");
}

// Parameters and an agent's result are small JSON; files travel as input / output.
constexpr qsizetype kMaxReportResultBytes = 64 * 1024;
const QString kProgress = QString(events::AiTaskProgress);

} // namespace

// One built-in task in progress: its job, and the context the job works through.
class TaskRunner::Run : public TaskContext
{
public:
    Run(TaskRunner& runner, AgentTask initial, Identity actor, std::unique_ptr<TaskJob> jobToRun)
        : current(std::move(initial)), job(std::move(jobToRun)), m_runner(runner),
          m_actor(std::move(actor))
    {}

    const AgentTask& task() const override { return current; }
    const Identity& actor() const override { return m_actor; }
    QJsonObject mutate(const Mutation& mutation) override
    {
        // Inside the slice's transaction: fanned out once the slice has committed.
        const auto outcome = m_runner.m_s.mutations.apply(m_actor, mutation);
        if (outcome.change)
            committing.append(*outcome.change);
        return outcome.toJson();
    }
    RecordStore& records() override { return m_runner.m_s.records; }
    QList<UserDirectory::User> people() override
    {
        QList<UserDirectory::User> people;
        for (auto& user : m_runner.m_s.users.list()) {
            if (!user.disabled && user.identity.brokerageId == current.brokerageId)
                people.append(std::move(user));
        }
        return people;
    }
    QString input() override
    {
        if (inputOverride)
            return *inputOverride;
        return m_runner.m_s.store.file(current.id, QStringLiteral("input")).value_or(QString());
    }
    bool saveOutput(const QString& role, const QString& content) override
    {
        return m_runner.m_s.store.putFile(current.id, role, content);
    }
    void progress(qint64 done, qint64 total, const QString& step) override
    {
        current.stepsDone = done;
        current.stepsTotal = total;
        current.step = step;
        const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 0;
        // Monotonic by contract: a job's estimate may shrink, the bar never does. Announced by
        // the runner after the slice commits, never before the rows it counts.
        current.progress = std::clamp(percent, current.progress, 99);
    }
    bool sliceOver() const override { return slice.hasExpired(budgetMs); }

    AgentTask current;
    std::unique_ptr<TaskJob> job;
    QElapsedTimer slice;
    qint64 budgetMs = 8;
    std::optional<QString> inputOverride; // checking a request before anything is stored
    QList<ChangeEntry> committing;        // this slice's changes, to fan out after commit

private:
    TaskRunner& m_runner;
    Identity m_actor;
};

TaskAnswer TaskRunner::Reply::answerFor(const Identity& viewer) const
{
    TaskAnswer answer;
    if (task)
        answer.task = task->viewFor(viewer);
    else
        answer.error = WireError{code, message, {}, {}, {}};
    return answer;
}

QString TaskRunner::now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

TaskRunner::TaskRunner(Services services, Options options, QObject* parent)
    : QObject(parent), m_s(std::move(services)), m_options(options),
      m_leases(m_s.db,
               m_options.leaseNode.isEmpty() ? QStringLiteral("local") : m_options.leaseNode,
               m_options.leaseLength)
{
    if (!m_options.leaseNode.isEmpty()) {
        m_leaseCheck.setInterval(m_options.leaseLength / 3);
        connect(&m_leaseCheck, &QTimer::timeout, this, &TaskRunner::checkLeases);
    }
    m_clock.start();
    m_tick.setInterval(0);
    connect(&m_tick, &QTimer::timeout, this, &TaskRunner::tick);
    m_silenceCheck.setInterval(
        std::max<std::chrono::milliseconds>(std::chrono::seconds(1), m_options.agentSilence / 10));
    connect(&m_silenceCheck, &QTimer::timeout, this, &TaskRunner::failSilentAgents);
    m_silenceCheck.start();
    m_progressFlush.setSingleShot(true);
    connect(&m_progressFlush, &QTimer::timeout, this, &TaskRunner::flushQuietProgress);
}

void TaskRunner::failSilentAgents()
{
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addMSecs(
        -std::chrono::duration_cast<std::chrono::milliseconds>(m_options.agentSilence).count());
    for (auto task : m_s.store.withStatus(AgentTask::Status::Running)) {
        if (!task.external || QDateTime::fromString(task.updatedAt, Qt::ISODateWithMs) > cutoff)
            continue;
        task.status = AgentTask::Status::Failed;
        task.error = QStringLiteral("The agent stopped reporting");
        task.finishedAt = now();
        publish(task, taskEventName(task.status));
    }
}

TaskRunner::~TaskRunner() = default;

TaskRunner::Reply TaskRunner::start(const Identity& who, const TaskStart& request,
                                    const QString& clientId)
{
    const bool external = request.kind == QStringLiteral("agent");
    if (!external && !TaskJob::isBuiltIn(request.kind))
        return refusal(ErrorCode::UnknownKind,
                       QStringLiteral("Unknown task kind '%1' (csv_import, csv_export, "
                                      "lead_dedupe, agent)")
                           .arg(request.kind));
    if (request.title.size() > 200)
        return refusal(ErrorCode::BadRequest,
                       QStringLiteral("Titles are limited to 200 characters"));
    if (request.input.size() > m_options.maxInputBytes)
        return refusal(ErrorCode::TooLarge, QStringLiteral("Task input is limited to %1 MB")
                                                .arg(m_options.maxInputBytes / (1024 * 1024)));
    if (QJsonDocument(request.params).toJson(QJsonDocument::Compact).size() > kMaxReportResultBytes)
        return refusal(
            ErrorCode::TooLarge,
            QStringLiteral("Task parameters are limited to 64 KB (send files as input)"));
    if (who.teamId.isEmpty())
        return refusal(ErrorCode::Forbidden,
                       QStringLiteral("Users without a team cannot run tasks"));
    AgentTask task;
    task.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    task.brokerageId = who.brokerageId;
    task.teamId = who.teamId;
    task.ownerId = who.userId;
    task.ownerName = who.displayName;
    task.agent = who.agentName;
    task.kind = request.kind;
    task.title = request.title.trimmed().isEmpty() ? defaultTitle(request) : request.title;
    task.params = request.params;
    task.shared = request.shared;
    task.external = external;
    task.clientId = clientId;
    task.createdAt = now();
    task.updatedAt = task.createdAt;
    if (external) {
        task.status = AgentTask::Status::Running;
        task.startedAt = task.createdAt;
        task.step = QStringLiteral("Starting");
    } else {
        // Parameters and input are checked now, so a mistake is answered at once.
        QString error;
        Run probe(*this, task, who, TaskJob::create(task.kind));
        probe.inputOverride = request.input;
        if (!probe.job->prepare(probe, &error))
            return refusal(ErrorCode::BadRequest, error);
        task.step = QStringLiteral("Waiting for a free slot");
    }
    if (!m_s.store.insert(task, request.input))
        return refusal(ErrorCode::Storage,
                       QStringLiteral("The server could not store the task; try again"));
    qCInfo(lcTasks) << "task" << task.id << task.kind << "created by" << who.userId;
    emit taskChanged(task, taskEventName(task.status));
    schedule();
    return Reply{m_s.store.find(task.id), {}, {}};
}

TaskRunner::Reply TaskRunner::visibleTask(const Identity& who, const QString& id)
{
    const auto task = m_s.store.find(id);
    if (!task || !task->isVisibleTo(who))
        return refusal(ErrorCode::NotFound, QStringLiteral("No such task"));
    return Reply{task, {}, {}};
}

TaskRunner::Reply TaskRunner::find(const Identity& who, const QString& id)
{
    return visibleTask(who, id);
}

QList<AgentTask> TaskRunner::visibleTo(const Identity& who)
{
    return m_s.store.recentFor(who, m_options.finishedHistory);
}

std::optional<QString> TaskRunner::file(const Identity& who, const QString& id, const QString& role)
{
    const auto task = visibleTask(who, id).task;
    if (!task || !task->showsAllTo(who) || role == QStringLiteral("input"))
        return std::nullopt;
    return m_s.store.file(id, role);
}

TaskRunner::Reply TaskRunner::controllableTask(const Identity& who, const QString& id,
                                               const QString& verb)
{
    auto reply = visibleTask(who, id);
    if (reply.task && !reply.task->isControllableBy(who))
        return refusal(
            ErrorCode::Forbidden,
            QStringLiteral("Only the task's owner or a broker admin can %1 it").arg(verb));
    return reply;
}

TaskRunner::Reply TaskRunner::cancel(const Identity& who, const QString& id)
{
    auto reply = controllableTask(who, id, QStringLiteral("cancel"));
    if (!reply.task)
        return reply;
    AgentTask& task = *reply.task;
    if (task.isFinal())
        return refusal(ErrorCode::NotRunning,
                       QStringLiteral("The task has %1 already").arg(taskStatusName(task.status)));
    if (const auto run = m_running.value(id)) {
        run->current.cancelRequested = true;
        finishRun(*run, AgentTask::Status::Cancelled, {});
        return Reply{run->current, {}, {}};
    }
    if (!task.external && task.status == AgentTask::Status::Running &&
        !m_options.leaseNode.isEmpty()) {
        // Another node runs it: that node stops it and says so to everyone. Nothing is written
        // to the task here, or its runner's next progress would undo it.
        if (!m_leases.askCancel(id))
            return refusal(ErrorCode::NotRunning, QStringLiteral("The task ended meanwhile"));
        emit cancelElsewhere(id);
        task.cancelRequested = true;
        task.step = QStringLiteral("Cancelling");
        return Reply{task, {}, {}};
    }
    task.cancelRequested = true;
    if (task.external) {
        // The agent stops between its own steps and confirms with a cancelled report.
        task.step = QStringLiteral("Cancelling");
        publish(task, kProgress);
        emit cancelRequested(task);
        // An agent that died cannot confirm: the task ends anyway, saying so.
        QTimer::singleShot(m_options.agentCancelGrace, this, [this, id] {
            auto pending = m_s.store.find(id);
            if (!pending || pending->isFinal())
                return;
            pending->status = AgentTask::Status::Cancelled;
            pending->step = QStringLiteral("Cancelled; the agent did not confirm");
            pending->finishedAt = now();
            publish(*pending, taskEventName(pending->status));
        });
        return Reply{task, {}, {}};
    }
    // In a cluster another node may claim it this very moment: only a task still queued is
    // cancelled here; a claimed one is stopped by its node.
    if (!m_options.leaseNode.isEmpty() && !m_leases.unqueue(id)) {
        if (!m_leases.askCancel(id))
            return refusal(ErrorCode::NotRunning, QStringLiteral("The task ended meanwhile"));
        emit cancelElsewhere(id);
        task.step = QStringLiteral("Cancelling");
        return Reply{task, {}, {}};
    }
    task.status = AgentTask::Status::Cancelled;
    task.step = QStringLiteral("Cancelled before it started");
    task.finishedAt = now();
    publish(task, taskEventName(task.status));
    return Reply{task, {}, {}};
}

void TaskRunner::cancelHere(const QString& id)
{
    if (const auto run = m_running.value(id)) {
        run->current.cancelRequested = true;
        finishRun(*run, AgentTask::Status::Cancelled, {});
    }
}

TaskRunner::Reply TaskRunner::retry(const Identity& who, const QString& id)
{
    auto reply = controllableTask(who, id, QStringLiteral("retry"));
    if (!reply.task)
        return reply;
    AgentTask& task = *reply.task;
    if (task.external)
        return refusal(ErrorCode::NotRetryable,
                       QStringLiteral("An agent's task is retried by starting the agent again"));
    if (task.status != AgentTask::Status::Failed && task.status != AgentTask::Status::Cancelled)
        return refusal(ErrorCode::NotRetryable,
                       QStringLiteral("Only failed or cancelled tasks can be retried"));
    task.status = AgentTask::Status::Queued;
    task.attempt += 1;
    task.progress = 0;
    task.stepsDone = 0;
    task.step = QStringLiteral("Waiting for a free slot");
    task.error.clear();
    task.result = {};
    task.cancelRequested = false;
    task.startedAt.clear();
    task.finishedAt.clear();
    publish(task, taskEventName(task.status));
    schedule();
    return Reply{m_s.store.find(id), {}, {}};
}

TaskRunner::Reply TaskRunner::report(const Identity& who, const QString& id,
                                     const QJsonObject& json)
{
    auto reply = visibleTask(who, id);
    if (!reply.task)
        return reply;
    AgentTask& task = *reply.task;
    if (task.ownerId != who.userId || !task.external)
        return refusal(ErrorCode::Forbidden,
                       QStringLiteral("Only the agent running this task reports on it"));
    if (task.isFinal())
        return refusal(ErrorCode::NotRunning,
                       QStringLiteral("The task has %1 already").arg(taskStatusName(task.status)));
    const auto parsed = TaskReport::fromJson(json);
    if (!parsed.ok())
        return refusal(ErrorCode::BadRequest, parsed.error().message);
    const TaskReport& report = parsed.value();
    if (report.result &&
        QJsonDocument(*report.result).toJson(QJsonDocument::Compact).size() > kMaxReportResultBytes)
        return refusal(ErrorCode::TooLarge, QStringLiteral("A task result is limited to 64 KB"));
    const std::optional<AgentTask::Status> final = report.status;
    if (report.stepsDone)
        task.stepsDone = *report.stepsDone;
    if (report.stepsTotal)
        task.stepsTotal = *report.stepsTotal;
    int percent = task.progress;
    if (report.progress)
        percent = *report.progress;
    else if (task.stepsTotal > 0)
        percent = static_cast<int>(std::min<qint64>(100, task.stepsDone * 100 / task.stepsTotal));
    task.progress = std::max(task.progress, percent);
    if (report.step)
        task.step = *report.step;
    if (report.result)
        task.result = *report.result;
    if (!final) {
        publish(task, kProgress, Publish::ThrottledStored);
        return Reply{task, {}, {}};
    }
    task.status = *final;
    task.finishedAt = now();
    if (*final == AgentTask::Status::Completed)
        task.progress = 100;
    if (*final == AgentTask::Status::Failed)
        task.error = report.error.value_or(QStringLiteral("The agent reported a failure"));
    publish(task, taskEventName(task.status));
    return Reply{task, {}, {}};
}

void TaskRunner::schedule()
{
    if (m_stopped)
        return; // queued tasks wait for the next start
    QHash<QString, int> running;
    for (const auto& run : std::as_const(m_running))
        ++running[run->current.brokerageId];
    for (auto task : m_s.store.withStatus(AgentTask::Status::Queued)) {
        if (running.value(task.brokerageId) >= m_options.maxRunningPerBrokerage)
            continue;
        // Nodes of a cluster share the queue: whoever claims a task runs it, the others skip it.
        if (!m_leases.claim(task.id))
            continue;
        const auto owner = m_s.users.findById(task.ownerId);
        auto job = TaskJob::create(task.kind);
        task.startedAt = now();
        task.status = AgentTask::Status::Running;
        task.step = QStringLiteral("Starting");
        if (!owner || owner->disabled || !job) {
            task.status = AgentTask::Status::Failed;
            task.error = !job ? QStringLiteral("This server cannot run '%1' tasks").arg(task.kind)
                              : QStringLiteral("The owner's account is disabled");
            task.finishedAt = now();
            publish(task, taskEventName(task.status));
            continue;
        }
        // The job acts as its owner, and as the AI agent that started it, if one did: its
        // changes then read "<owner> (AI)" like the agent's own edits.
        Identity actor = owner->identity;
        actor.agentName = task.agent;
        auto run = std::make_shared<Run>(*this, task, actor, std::move(job));
        QString error;
        if (!run->job->prepare(*run, &error)) {
            run->current.status = AgentTask::Status::Failed;
            run->current.error = error;
            run->current.finishedAt = now();
            publish(run->current, taskEventName(run->current.status));
            continue;
        }
        ++running[task.brokerageId];
        m_running.insert(task.id, run);
        publish(run->current, taskEventName(run->current.status));
    }
    if (!m_running.isEmpty() && !m_tick.isActive() && !m_stopped)
        m_tick.start();
}

void TaskRunner::stop()
{
    m_stopped = true;
    m_tick.stop();
    m_silenceCheck.stop();
    // In a cluster its leases lapse and another node resumes what ran here.
    m_leaseCheck.stop();
    flushQuietProgress();
}

void TaskRunner::tick()
{
    const auto runs = m_running.values();
    const qint64 budget =
        std::max<qint64>(1, m_options.sliceBudget.count() / std::max<qsizetype>(1, runs.size()));
    for (const auto& run : runs) {
        if (!m_running.contains(run->current.id))
            continue; // cancelled by something an earlier slice triggered
        // The job writes as its owner, with the rights the owner had when it started: once the
        // owner is disabled or moved (this process or the CLI), it writes nothing more.
        const auto owner = m_s.users.findById(run->current.ownerId);
        if (!owner || owner->disabled || owner->identity.teamId != run->actor().teamId ||
            owner->identity.role != run->actor().role) {
            finishRun(*run, AgentTask::Status::Failed,
                      !owner || owner->disabled
                          ? QStringLiteral("The owner's account was disabled")
                          : QStringLiteral("The owner's team or role changed; retry the task"));
            continue;
        }
        run->budgetMs = budget;
        run->slice.start();
        // One transaction per slice: each row is a savepoint inside it, and the disk sees one
        // commit for the slice instead of one per row.
        Transaction transaction(m_s.db);
        auto slice = run->job->runSlice(*run);
        const bool stored = transaction.isOpen() && transaction.commit();
        const auto changes = std::exchange(run->committing, {});
        if (!stored) {
            finishRun(*run, AgentTask::Status::Failed,
                      QStringLiteral("The server could not store the last rows; retry the task"));
            continue;
        }
        for (const auto& change : changes)
            m_s.broadcast(change);
        publish(run->current, kProgress, Publish::Throttled);
        if (slice == TaskJob::Slice::Done)
            finishRun(*run, AgentTask::Status::Completed, {});
        else if (slice == TaskJob::Slice::Failed)
            finishRun(*run, AgentTask::Status::Failed, run->job->error());
    }
    if (m_running.isEmpty())
        m_tick.stop();
}

void TaskRunner::finishRun(Run& run, AgentTask::Status status, const QString& error)
{
    const auto keep = m_running.take(run.current.id); // `run` lives until the end of this call
    run.job->finish(run);
    AgentTask& task = run.current;
    task.status = status;
    task.error = error;
    if (status == AgentTask::Status::Completed && !run.job->error().isEmpty()) {
        task.status = AgentTask::Status::Failed;
        task.error = run.job->error();
    }
    task.result = run.job->result();
    task.finishedAt = now();
    if (task.status == AgentTask::Status::Completed) {
        task.progress = 100;
        task.step = run.job->summary();
    } else if (task.status == AgentTask::Status::Cancelled) {
        QString summary = run.job->summary();
        if (!summary.isEmpty())
            summary[0] = summary[0].toLower();
        task.step = QStringLiteral("Cancelled at %1 of %2 (%3)")
                        .arg(task.stepsDone)
                        .arg(task.stepsTotal)
                        .arg(summary);
    } else {
        task.step = run.job->summary();
    }
    qCInfo(lcTasks) << "task" << task.id << taskStatusName(task.status) << task.step;
    publish(task, taskEventName(task.status));
    m_lastProgressMs.remove(task.id);
    m_quietProgress.remove(task.id);
    schedule();
}

void TaskRunner::publish(AgentTask& task, const QString& event, Publish mode)
{
    const qint64 nowMs = m_clock.elapsed();
    task.updatedAt = now();
    if (mode != Publish::Now) {
        const auto last = m_lastProgressMs.constFind(task.id);
        if (last != m_lastProgressMs.constEnd() &&
            nowMs - *last < m_options.progressInterval.count()) {
            // Too soon: the newest state goes out when the interval is over, so a burst ends
            // with its last value on every screen. A run keeps its state in memory; an external
            // task's report must be stored now.
            if (mode == Publish::ThrottledStored && !m_s.store.update(task))
                qCWarning(lcTasks) << "could not store the state of task" << task.id;
            m_quietProgress.insert(task.id);
            if (!m_progressFlush.isActive())
                m_progressFlush.start(m_options.progressInterval);
            return;
        }
    }
    m_lastProgressMs.insert(task.id, nowMs);
    m_quietProgress.remove(task.id);
    if (!m_s.store.update(task))
        qCWarning(lcTasks) << "could not store the state of task" << task.id;
    emit taskChanged(task, event);
}

void TaskRunner::flushQuietProgress()
{
    const auto ids = std::exchange(m_quietProgress, {});
    const qint64 nowMs = m_clock.elapsed();
    qint64 wait = -1;
    for (const auto& id : ids) {
        // Something went out since this was held back: wait out that one's interval too.
        const qint64 since = nowMs - m_lastProgressMs.value(id, 0);
        if (since < m_options.progressInterval.count()) {
            m_quietProgress.insert(id);
            const qint64 left = m_options.progressInterval.count() - since;
            wait = wait < 0 ? left : std::min(wait, left);
            continue;
        }
        if (const auto run = m_running.value(id)) {
            publish(run->current, kProgress);
        } else if (auto task = m_s.store.find(id); task && !task->isFinal()) {
            publish(*task, kProgress);
        }
    }
    if (wait >= 0)
        m_progressFlush.start(std::chrono::milliseconds(wait));
}

} // namespace crm
