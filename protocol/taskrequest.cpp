#include "protocol/taskrequest.h"

#include "protocol/memberreader.h"

namespace crm {

using namespace Qt::StringLiterals;

QJsonObject TaskStart::toJson() const
{
    QJsonObject json{{u"kind"_s, kind}, {u"params"_s, params}, {u"shared"_s, shared}};
    if (!title.isEmpty())
        json.insert(u"title"_s, title);
    if (!input.isEmpty())
        json.insert(u"input"_s, input);
    return json;
}

Parsed<TaskStart> TaskStart::fromJson(const QJsonObject& json)
{
    TaskStart start;
    MemberReader read(json);
    read.text("kind", start.kind);
    if (start.kind.isEmpty())
        read.refuse("kind", u"is required: csv_import, csv_export, lead_dedupe or agent"_s);
    read.text("title", start.title);
    read.object("params", start.params);
    read.text("input", start.input);
    read.flag("shared", start.shared);
    if (read.error())
        return *read.error();
    return start;
}

QJsonObject TaskRef::toJson() const
{
    QJsonObject json{{u"id"_s, id}};
    if (!title.isEmpty())
        json.insert(u"title"_s, title);
    return json;
}

Parsed<TaskRef> TaskRef::fromJson(const QJsonObject& json)
{
    TaskRef ref;
    MemberReader read(json);
    read.text("id", ref.id);
    if (ref.id.isEmpty())
        read.refuse("id", u"is required"_s);
    read.text("title", ref.title);
    if (read.error())
        return *read.error();
    return ref;
}

QJsonObject TaskReport::toJson() const
{
    QJsonObject json;
    if (!id.isEmpty())
        json.insert(u"id"_s, id);
    if (progress)
        json.insert(u"progress"_s, *progress);
    if (step)
        json.insert(u"step"_s, *step);
    if (stepsDone)
        json.insert(u"stepsDone"_s, *stepsDone);
    if (stepsTotal)
        json.insert(u"stepsTotal"_s, *stepsTotal);
    if (status)
        json.insert(u"status"_s, taskStatusName(*status));
    if (result)
        json.insert(u"result"_s, *result);
    if (error)
        json.insert(u"error"_s, *error);
    return json;
}

Parsed<TaskReport> TaskReport::fromJson(const QJsonObject& json)
{
    TaskReport report;
    MemberReader read(json);
    read.text("id", report.id);
    if (read.error())
        return *read.error();
    // Progress is a percentage: a fraction is fine and is cut to the whole percent below it.
    const QJsonValue progress = json.value(u"progress"_s);
    if (!progress.isUndefined()) {
        if (!progress.isDouble() || progress.toDouble() < 0 || progress.toDouble() > 100)
            return badMember(u"progress"_s, u"must be a number from 0 to 100"_s);
        report.progress = static_cast<int>(progress.toDouble());
    }
    const QJsonValue step = json.value(u"step"_s);
    if (!step.isUndefined()) {
        if (!step.isString() || step.toString().size() > kMaxStepLength)
            return badMember(u"step"_s, u"must be text of up to 500 characters"_s);
        report.step = step.toString();
    }
    for (const auto& [member, out] : {std::pair{u"stepsDone"_s, &report.stepsDone},
                                      std::pair{u"stepsTotal"_s, &report.stepsTotal}}) {
        const QJsonValue value = json.value(member);
        if (value.isUndefined())
            continue;
        const auto count = wholeNumber(value, 0, kMaxSteps);
        if (!count)
            return badMember(member, u"must be a whole number from 0 to 10^12"_s);
        *out = *count;
    }
    const QJsonValue status = json.value(u"status"_s);
    if (!status.isUndefined()) {
        const auto final = taskStatusFromName(status.toString());
        if (!status.isString() || !final || *final == TaskStatus::Queued ||
            *final == TaskStatus::Running)
            return badMember(u"status"_s, u"must be completed, failed or cancelled"_s);
        report.status = *final;
    }
    const QJsonValue result = json.value(u"result"_s);
    if (!result.isUndefined()) {
        if (!result.isObject())
            return badMember(u"result"_s, u"must be an object"_s);
        report.result = result.toObject();
    }
    const QJsonValue error = json.value(u"error"_s);
    if (!error.isUndefined()) {
        if (!error.isString())
            return badMember(u"error"_s, u"must be text"_s);
        report.error = error.toString();
    }
    return report;
}

QJsonObject TaskAnswer::toJson() const
{
    if (error)
        return {{u"status"_s, u"rejected"_s}, {u"error"_s, error->toJson()}};
    QJsonObject json{{u"status"_s, u"ok"_s}};
    if (task)
        json.insert(u"task"_s, task->toJson());
    if (list)
        json.insert(u"tasks"_s, list->toJson().value(u"tasks"_s));
    return json;
}

Parsed<TaskAnswer> TaskAnswer::fromJson(const QJsonObject& json)
{
    TaskAnswer answer;
    const QString status = json.value(u"status"_s).toString();
    if (status == u"rejected") {
        answer.error = WireError::fromJson(json.value(u"error"_s).toObject());
        return answer;
    }
    if (status != u"ok")
        return badMember(u"status"_s, u"must be ok or rejected"_s);
    if (json.contains(u"task"_s)) {
        auto task = Task::fromJson(json.value(u"task"_s).toObject());
        if (!task.ok())
            return task.error();
        answer.task = std::move(task).value();
    }
    if (json.contains(u"tasks"_s)) {
        auto list = TaskList::fromJson(json);
        if (!list.ok())
            return list.error();
        answer.list = std::move(list).value();
    }
    return answer;
}

} // namespace crm
