#pragma once

// What the task tests share: a watcher of one connection's ai:task:* events, and REST helpers
// that start tasks, list them and wait for them on an in-process crm-server.
#include "server/storage/recordstore.h"
#include "support/restcall.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QJsonArray>

namespace crm::test {

using namespace std::chrono_literals;

// Every ai:task:* event one connection heard about one task, in order.
struct TaskWatcher
{
    explicit TaskWatcher(ConnectionManager& connection)
    {
        QObject::connect(
            &connection, &ConnectionManager::eventReceived, &connection,
            [this](const QString& event, const QJsonArray& args, const AckResponder&) {
                if (event == QStringLiteral("ai:task:list")) {
                    // After a reconnect: where each task stands now, so that an
                    // end missed while the link was down is still seen.
                    for (const auto& task :
                         args.first().toObject().value(QStringLiteral("tasks")).toArray())
                        events.append({event, task.toObject()});
                } else if (event.startsWith(QStringLiteral("ai:task:"))) {
                    events.append({event, args.first().toObject()});
                }
            });
    }
    QList<QJsonObject> of(const QString& id, const QString& event = {}) const
    {
        QList<QJsonObject> out;
        for (const auto& [name, task] : events) {
            if (task.value(QStringLiteral("id")).toString() == id &&
                (event.isEmpty() || name == event))
                out.append(task);
        }
        return out;
    }
    QString status(const QString& id) const
    {
        const auto all = of(id);
        return all.isEmpty() ? QString() : all.last().value(QStringLiteral("status")).toString();
    }
    QList<QPair<QString, QJsonObject>> events;
};

inline QJsonObject startImport(Server& s, const Identity& who, const QString& csv)
{
    const auto reply = restCall(s.url(), s.token(who), "POST", QStringLiteral("/api/tasks"),
                                {{QStringLiteral("kind"), QStringLiteral("csv_import")},
                                 {QStringLiteral("params"),
                                  QJsonObject{{QStringLiteral("module"), QStringLiteral("leads")}}},
                                 {QStringLiteral("input"), csv}});
    INFO(reply.error.describe().toStdString());
    REQUIRE(reply.ok());
    REQUIRE(reply.httpStatus == 201);
    return reply.body.toObject();
}

inline qint64 liveLeads(Server& s, const Identity& who)
{
    qint64 total = 0;
    RecordStore records(s.server.database());
    records.list(who, QStringLiteral("leads"), 0, 1, &total);
    return total;
}

inline QString idOf(const QJsonObject& task)
{
    return task.value(QStringLiteral("id")).toString();
}

inline QJsonArray taskList(Server& s, const Identity& who)
{
    return restCall(s.url(), s.token(who), "GET", QStringLiteral("/api/tasks"))
        .body.toObject()
        .value(QStringLiteral("tasks"))
        .toArray();
}

// POST /api/tasks, which must be accepted; the new task.
inline QJsonObject startTask(Server& s, const Identity& who, const QString& kind,
                             const QJsonObject& params, bool shared = false)
{
    const auto reply = restCall(s.url(), s.token(who), "POST", QStringLiteral("/api/tasks"),
                                {{QStringLiteral("kind"), kind},
                                 {QStringLiteral("params"), params},
                                 {QStringLiteral("shared"), shared}});
    REQUIRE(reply.ok());
    return reply.body.toObject();
}

// Polls the task until it completed; its final state.
inline QJsonObject waitCompleted(Server& s, const Identity& who, const QString& id)
{
    QJsonObject task;
    REQUIRE(waitUntil(
        [&] {
            task = restCall(s.url(), s.token(who), "GET", QStringLiteral("/api/tasks/%1").arg(id))
                       .body.toObject();
            return task.value(QStringLiteral("status")) == QStringLiteral("completed");
        },
        60s)); // several imports in a row, under the sanitizers too: a bound, not a target
    return task;
}

} // namespace crm::test
