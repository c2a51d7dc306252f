#include "protocol/task.h"

#include "protocol/eventnames.h"
#include "protocol/memberreader.h"
#include "protocol/nametable.h"

namespace crm {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array kTaskStatuses{
    std::pair{TaskStatus::Queued, "queued"_L1},       std::pair{TaskStatus::Running, "running"_L1},
    std::pair{TaskStatus::Completed, "completed"_L1}, std::pair{TaskStatus::Failed, "failed"_L1},
    std::pair{TaskStatus::Cancelled, "cancelled"_L1},
};

QJsonValue orNull(const QString& value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

} // namespace

QString taskStatusName(TaskStatus status)
{
    return nameIn(kTaskStatuses, status);
}

std::optional<TaskStatus> taskStatusFromName(QStringView name)
{
    return valueIn(kTaskStatuses, name);
}

QString taskEventName(TaskStatus status)
{
    return status == TaskStatus::Running ? QString(events::AiTaskStarted)
                                         : events::AiTaskPrefix + taskStatusName(status);
}

bool Task::isOlderThan(const Task& incoming) const
{
    if (incoming.attempt != attempt)
        return incoming.attempt > attempt;
    if (isFinal() && incoming.isActive())
        return false;
    return incoming.updatedAt >= updatedAt;
}

QJsonObject Task::toJson() const
{
    return {{u"id"_s, id},
            {u"kind"_s, kind},
            {u"title"_s, title},
            {u"status"_s, taskStatusName(status)},
            {u"progress"_s, progress},
            {u"step"_s, step},
            {u"stepsDone"_s, stepsDone},
            {u"stepsTotal"_s, stepsTotal},
            {u"params"_s, params},
            {u"result"_s, result},
            {u"error"_s, orNull(error)},
            {u"ownerId"_s, ownerId},
            {u"ownerName"_s, ownerName},
            {u"agent"_s, orNull(agent)},
            {u"teamId"_s, teamId},
            {u"shared"_s, shared},
            {u"external"_s, external},
            {u"cancelRequested"_s, cancelRequested},
            {u"attempt"_s, attempt},
            {u"createdAt"_s, createdAt},
            {u"startedAt"_s, orNull(startedAt)},
            {u"finishedAt"_s, orNull(finishedAt)},
            {u"updatedAt"_s, updatedAt},
            {u"restricted"_s, restricted}};
}

Parsed<Task> Task::fromJson(const QJsonObject& json)
{
    Task task;
    MemberReader read(json);
    read.text("id", task.id);
    if (task.id.isEmpty())
        read.refuse("id", u"is required"_s);
    const QJsonValue status = json.value(u"status"_s);
    if (const auto known = taskStatusFromName(status.toString()))
        task.status = *known;
    else
        read.refuse("status", u"must be queued, running, completed, failed or cancelled"_s);
    read.text("kind", task.kind);
    read.text("title", task.title);
    read.number("progress", task.progress, 0, 100);
    read.text("step", task.step);
    read.number("stepsDone", task.stepsDone, 0, kMaxExactJsonInteger);
    read.number("stepsTotal", task.stepsTotal, 0, kMaxExactJsonInteger);
    read.object("params", task.params);
    read.object("result", task.result);
    read.text("error", task.error);
    read.text("ownerId", task.ownerId);
    read.text("ownerName", task.ownerName);
    read.text("agent", task.agent);
    read.text("teamId", task.teamId);
    read.flag("shared", task.shared);
    read.flag("external", task.external);
    read.flag("cancelRequested", task.cancelRequested);
    read.number("attempt", task.attempt, 1, std::numeric_limits<int>::max());
    read.text("createdAt", task.createdAt);
    read.text("startedAt", task.startedAt);
    read.text("finishedAt", task.finishedAt);
    read.text("updatedAt", task.updatedAt);
    read.flag("restricted", task.restricted);
    if (read.error())
        return *read.error();
    return task;
}

QJsonObject TaskList::toJson() const
{
    return {{u"tasks"_s, listToJson(tasks)}};
}

Parsed<TaskList> TaskList::fromJson(const QJsonObject& json)
{
    auto list = listFromJson<Task>(json.value(u"tasks"_s), u"tasks"_s);
    if (!list.ok())
        return list.error();
    return TaskList{std::move(list).value()};
}

} // namespace crm
