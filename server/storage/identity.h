#pragma once

#include <QJsonObject>
#include <QString>

namespace crm {

// Who is asking: what a verified access token says, used for every visibility decision.
struct Identity
{
    enum class Role
    {
        Agent,
        TeamLead,
        BrokerAdmin
    };

    QString userId;
    QString brokerageId;
    QString teamId;
    QString displayName;
    Role role = Role::Agent;

    bool isBrokerAdmin() const { return role == Role::BrokerAdmin; }
    // Agents and team leads see their team's records; broker admins see the whole brokerage.
    bool canSee(const QString& recordBrokerage, const QString& recordTeam) const
    {
        return recordBrokerage == brokerageId && (isBrokerAdmin() || recordTeam == teamId);
    }
    // Sensitive fields (commission) are shown to the record's owner and broker admins only.
    bool seesSensitiveOf(const QString& ownerId) const
    {
        return isBrokerAdmin() || ownerId == userId;
    }

    static QString roleName(Role role);
    static bool roleFromName(const QString& name, Role* role);
    QJsonObject toJson() const;
};

} // namespace crm
