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
    // Set when an AI agent acts for this user with an agent key: its name ("Escrow assistant").
    // The agent has the user's rights; what it does is attributed to "<user> (AI)".
    QString agentName;
    // The sign-in session the access token belongs to (the family of refresh tokens one login
    // started, claim `sid`): signing out ends it at once. Empty for an agent key's tokens.
    QString sessionId;

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

    bool isAgent() const { return !agentName.isEmpty(); }
    // The name shown for what this identity does: "Alex Rivera" or "Alex Rivera (AI)".
    QString actingName() const;

    static QString roleName(Role role);
    static bool roleFromName(const QString& name, Role* role);
    QJsonObject toJson() const;
};

} // namespace crm
