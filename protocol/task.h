#pragma once

#include "protocol/parsed.h"

#include <optional>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace crm {

// A task's life (docs/protocol.md 5.6): queued -> running -> completed | failed | cancelled.
enum class TaskStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled
};

QString taskStatusName(TaskStatus status);
std::optional<TaskStatus> taskStatusFromName(QStringView name);
// The ai:task:* event that announces a task reaching `status` ("ai:task:started" for Running);
// progress within a status has its own event, events::AiTaskProgress.
QString taskEventName(TaskStatus status);

// One AI agent's or bulk job's run as a reader sees it: every ai:task:* event, the task in the
// answers to task:* requests, ai:task:list and GET /api/tasks. `restricted` says the server
// left out what only the owner and broker admins read (5.6, "Who sees a task").
struct Task
{
    QString id;
    QString kind;
    QString title;
    TaskStatus status = TaskStatus::Queued;
    int progress = 0; // 0-100, never lower than before within one attempt
    QString step;     // what it does right now, for people
    qint64 stepsDone = 0;
    qint64 stepsTotal = 0;
    QJsonObject params;
    QJsonObject result;
    QString error; // empty: none (null on the wire)
    QString ownerId;
    QString ownerName;
    QString agent; // the external agent's name, or empty (null on the wire)
    QString teamId;
    bool shared = false;   // the owner's team sees it too
    bool external = false; // run by an agent process, not by the server
    bool cancelRequested = false;
    int attempt = 1;
    QString createdAt;  // ISO 8601 UTC, as the server wrote it
    QString startedAt;  // empty: not yet (null on the wire)
    QString finishedAt; // empty: not yet (null on the wire)
    QString updatedAt;
    bool restricted = false;

    bool isActive() const { return status == TaskStatus::Queued || status == TaskStatus::Running; }
    bool isFinal() const { return !isActive(); }
    // Whether `incoming` (another copy of this task) says something later than this one:
    // attempt first, then updatedAt; within an attempt a final state is never undone.
    bool isOlderThan(const Task& incoming) const;

    QJsonObject toJson() const;
    // Refuses a task without an id, with an unknown status, or with a member of the wrong type.
    static Parsed<Task> fromJson(const QJsonObject& json);
    friend bool operator==(const Task&, const Task&) = default;
};

// ai:task:list, the task:list answer's "tasks" and GET /api/tasks: active tasks first, then the
// newest finished ones.
struct TaskList
{
    QList<Task> tasks;

    QJsonObject toJson() const;
    // Refuses the whole list when one entry is malformed: a list is a replacement, and a
    // partial one would make tasks vanish from the reader's history.
    static Parsed<TaskList> fromJson(const QJsonObject& json);
};

} // namespace crm
