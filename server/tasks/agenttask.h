#pragma once

#include "protocol/task.h"
#include "server/storage/identity.h"

#include <QJsonObject>
#include <QString>

namespace crm {

// One AI agent's or bulk job's run as crm-server persists it: the task every reader sees
// (protocol/task.h) plus what only the server keeps. Built-in kinds (csv_import, csv_export,
// lead_dedupe) run inside the server; "agent" tasks are run by an external process that reports
// their progress.
struct AgentTask : Task
{
    using Status = TaskStatus;

    QString brokerageId;
    QString clientId; // the socket that created an external task hears its cancel requests

    // The owner; the owner's team when shared; a broker admin sees the whole brokerage.
    bool isVisibleTo(const Identity& viewer) const;
    // Cancel and retry: the owner, a broker admin, a team lead of the team for shared tasks.
    bool isControllableBy(const Identity& viewer) const;
    // Sharing a task shares its progress, not its data: the owner and the brokerage's broker
    // admins read all of it and download its files; every other reader gets the summary.
    bool showsAllTo(const Identity& viewer) const;

    // What `viewer` may read (docs/protocol.md 5.6, "Who sees a task"): the whole task with
    // `restricted` false, or the summary with `restricted` true, in which `result` keeps only
    // its top-level numbers (counts) and `params` only what names no record.
    Task viewFor(const Identity& viewer) const;
    QJsonObject toJsonFor(const Identity& viewer) const { return viewFor(viewer).toJson(); }
};

} // namespace crm
