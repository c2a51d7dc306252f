#include "server/storage/identity.h"

namespace crm {

QString Identity::roleName(Role role)
{
    switch (role) {
    case Role::Agent:
        return QStringLiteral("agent");
    case Role::TeamLead:
        return QStringLiteral("team-lead");
    case Role::BrokerAdmin:
        return QStringLiteral("broker-admin");
    }
    return {};
}

bool Identity::roleFromName(const QString& name, Role* role)
{
    for (Role candidate : {Role::Agent, Role::TeamLead, Role::BrokerAdmin}) {
        if (roleName(candidate) == name) {
            *role = candidate;
            return true;
        }
    }
    return false;
}

QString Identity::actingName() const
{
    return agentName.isEmpty() ? displayName : displayName + QStringLiteral(" (AI)");
}

QJsonObject Identity::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), userId},
                     {QStringLiteral("brokerageId"), brokerageId},
                     {QStringLiteral("teamId"), teamId},
                     {QStringLiteral("name"), displayName},
                     {QStringLiteral("role"), roleName(role)}};
    if (!agentName.isEmpty())
        json.insert(QStringLiteral("agent"), agentName);
    return json;
}

} // namespace crm
