#pragma once

#include "protocol/parsed.h"
#include "protocol/task.h"

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

// task:start and POST /api/tasks: {"kind", "title"?, "params"?, "input"?, "shared"?}.
struct TaskStart
{
    QString kind;
    QString title;
    QJsonObject params;
    QString input; // csv_import: the file's text
    bool shared = false;

    QJsonObject toJson() const;
    static Parsed<TaskStart> fromJson(const QJsonObject& json);
};

// task:cancel and task:retry ({"id"}), and ai:task:cancel to the agent's socket (+ "title").
struct TaskRef
{
    QString id;
    QString title;

    QJsonObject toJson() const;
    static Parsed<TaskRef> fromJson(const QJsonObject& json);
};

// task:report and POST /api/tasks/<id>/report: what an external agent says of its task. Each
// member is optional; `status` may only end the task.
struct TaskReport
{
    QString id; // the socket form names the task; the REST form has it in the path
    std::optional<int> progress;
    std::optional<QString> step;
    std::optional<qint64> stepsDone;
    std::optional<qint64> stepsTotal;
    std::optional<TaskStatus> status; // completed, failed or cancelled
    std::optional<QJsonObject> result;
    std::optional<QString> error;

    static constexpr int kMaxStepLength = 500;
    static constexpr qint64 kMaxSteps = 1'000'000'000'000;

    QJsonObject toJson() const;
    static Parsed<TaskReport> fromJson(const QJsonObject& json);
};

// The ack of every task:* request: {"status": "ok", "task"} (start, cancel, retry, report),
// {"status": "ok", "tasks"} (list), or {"status": "rejected", "error"}.
struct TaskAnswer
{
    std::optional<Task> task;
    std::optional<TaskList> list;
    std::optional<WireError> error;

    bool ok() const { return !error; }
    QJsonObject toJson() const;
    static Parsed<TaskAnswer> fromJson(const QJsonObject& json);
};

} // namespace crm
