#include "server/tasks/agenttask.h"

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

Task AgentTask::viewFor(const Identity& viewer) const
{
    Task view = *this;
    view.restricted = !showsAllTo(viewer);
    if (!view.restricted)
        return view;
    // The owner's result and parameters were computed with the owner's rights (a broker admin's
    // export spans every team, an agent's holds his commission): a teammate keeps the counts he
    // follows progress by, never an id, a row, a group, a file name or an agent's free text.
    QJsonObject counts;
    for (auto it = result.begin(); it != result.end(); ++it) {
        if (it.value().isDouble())
            counts.insert(it.key(), it.value());
    }
    view.result = counts;
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
    view.params = plain;
    return view;
}

} // namespace crm
