#include "server/tasks/agenttask.h"

#include "protocol/eventnames.h"

#include <QStringList>

namespace crm {

bool AgentTask::isVisibleTo(const Identity& viewer) const
{
    if (viewer.brokerageId != brokerageId)
        return false;
    return viewer.userId == ownerId || viewer.isBrokerAdmin() ||
           (shared && viewer.teamId == teamId);
}

bool AgentTask::isControllableBy(const Identity& viewer) const
{
    if (viewer.brokerageId != brokerageId)
        return false;
    return viewer.userId == ownerId || viewer.isBrokerAdmin() ||
           (shared && viewer.teamId == teamId && viewer.role == Identity::Role::TeamLead);
}

bool AgentTask::showsAllTo(const Identity& viewer) const
{
    return viewer.brokerageId == brokerageId &&
           (viewer.userId == ownerId || viewer.isBrokerAdmin());
}

QJsonObject AgentTask::toJsonFor(const Identity& viewer) const
{
    QJsonObject json = toJson();
    const bool whole = showsAllTo(viewer);
    json.insert(QStringLiteral("restricted"), !whole);
    if (whole)
        return json;
    // The owner's result and parameters were computed with the owner's rights (a broker admin's
    // export spans every team, an agent's holds his commission): a teammate keeps the counts he
    // follows progress by, never an id, a row, a group, a file name or an agent's free text.
    QJsonObject counts;
    for (auto it = result.begin(); it != result.end(); ++it) {
        if (it.value().isDouble())
            counts.insert(it.key(), it.value());
    }
    json.insert(QStringLiteral("result"), counts);
    // Built-in kinds' parameters say what was asked (a module, a search, a filter, whether to
    // merge); an agent's are free-form and may carry anything, so none of them goes out.
    static const QStringList kPlainParams{QStringLiteral("module"), QStringLiteral("search"),
                                          QStringLiteral("filter"), QStringLiteral("merge")};
    QJsonObject plain;
    if (!external) {
        for (const auto& key : kPlainParams) {
            if (params.contains(key))
                plain.insert(key, params.value(key));
        }
    }
    json.insert(QStringLiteral("params"), plain);
    return json;
}

QJsonObject AgentTask::toJson() const
{
    auto orNull = [](const QString& value) {
        return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
    };
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("title"), title},
            {QStringLiteral("status"), statusName(status)},
            {QStringLiteral("progress"), progress},
            {QStringLiteral("step"), step},
            {QStringLiteral("stepsDone"), stepsDone},
            {QStringLiteral("stepsTotal"), stepsTotal},
            {QStringLiteral("params"), params},
            {QStringLiteral("result"), result},
            {QStringLiteral("error"), orNull(error)},
            {QStringLiteral("ownerId"), ownerId},
            {QStringLiteral("ownerName"), ownerName},
            {QStringLiteral("agent"), orNull(agent)},
            {QStringLiteral("teamId"), teamId},
            {QStringLiteral("shared"), shared},
            {QStringLiteral("external"), external},
            {QStringLiteral("cancelRequested"), cancelRequested},
            {QStringLiteral("attempt"), attempt},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("startedAt"), orNull(startedAt)},
            {QStringLiteral("finishedAt"), orNull(finishedAt)},
            {QStringLiteral("updatedAt"), updatedAt}};
}

QString AgentTask::statusName(Status status)
{
    switch (status) {
    case Status::Queued:
        return QStringLiteral("queued");
    case Status::Running:
        return QStringLiteral("running");
    case Status::Completed:
        return QStringLiteral("completed");
    case Status::Failed:
        return QStringLiteral("failed");
    case Status::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

std::optional<AgentTask::Status> AgentTask::statusFromName(const QString& name)
{
    for (Status status :
         {Status::Queued, Status::Running, Status::Completed, Status::Failed, Status::Cancelled}) {
        if (statusName(status) == name)
            return status;
    }
    return std::nullopt;
}

QString AgentTask::eventFor(Status status)
{
    return status == Status::Running ? QString(events::AiTaskStarted)
                                     : QString(events::AiTaskPrefix) + statusName(status);
}

} // namespace crm
