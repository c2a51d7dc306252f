#pragma once

#include "server/storage/identity.h"

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

// One AI agent's or bulk job's run, as crm-server persists and sends it (docs/protocol.md 5.6).
// Built-in kinds (csv_import, csv_export, lead_dedupe) run inside the server; "agent" tasks are
// run by an external process that reports their progress.
struct AgentTask
{
    enum class Status
    {
        Queued,
        Running,
        Completed,
        Failed,
        Cancelled
    };

    QString id;
    QString brokerageId;
    QString teamId;
    QString ownerId;
    QString ownerName;
    QString agent; // the agent process's name for external tasks
    QString kind;
    QString title;
    Status status = Status::Queued;
    int progress = 0; // 0-100, never lower than before within one attempt
    QString step;     // what it does right now, for people
    qint64 stepsDone = 0;
    qint64 stepsTotal = 0;
    QJsonObject params;
    QJsonObject result;
    QString error;
    bool shared = false;   // the owner's team sees it too
    bool external = false; // run by an agent process, not by the server
    bool cancelRequested = false;
    QString clientId; // the socket that created an external task hears its cancel requests
    int attempt = 1;
    QString createdAt;
    QString startedAt;
    QString finishedAt;
    QString updatedAt;

    bool isFinal() const
    {
        return status == Status::Completed || status == Status::Failed ||
               status == Status::Cancelled;
    }
    // The owner; the owner's team when shared; a broker admin sees the whole brokerage.
    bool isVisibleTo(const Identity& viewer) const;
    // Cancel and retry: the owner, a broker admin, a team lead of the team for shared tasks.
    bool isControllableBy(const Identity& viewer) const;
    // Sharing a task shares its progress, not its data: the owner and the brokerage's broker
    // admins read all of it and download its files; every other reader gets the summary.
    bool showsAllTo(const Identity& viewer) const;

    // The whole task, as stored: only for readers showsAllTo() lets see it.
    QJsonObject toJson() const;
    // What `viewer` may read (docs/protocol.md 5.6, "Who sees a task"): the whole task with
    // "restricted": false, or the summary with "restricted": true, in which `result` keeps only
    // its top-level numbers (counts) and `params` only what names no record.
    QJsonObject toJsonFor(const Identity& viewer) const;
    static QString statusName(Status status);
    static std::optional<Status> statusFromName(const QString& name);
    // "ai:task:started" for Running, "ai:task:completed", ...; progress has its own event.
    static QString eventFor(Status status);
};

} // namespace crm
