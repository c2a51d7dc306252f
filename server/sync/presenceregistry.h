#pragma once

#include "protocol/presence.h"
#include "server/storage/identity.h"

#include <array>
#include <optional>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace crm {

// Who is online, per session and aggregated per user (several windows or machines): status,
// the record each session views and the field it edits. Pure bookkeeping, no sockets: the sync
// hub decides who hears what. A recipient only learns about records it may see.
//
// In a cluster, the sessions other nodes hold come in per (node, user) and count like this
// node's own; a node that goes away takes its sessions with it.
class PresenceRegistry
{
public:
    using SessionKey = const void*;

    struct SessionState
    {
        Identity identity;
        PresenceStatus status = PresenceStatus::Online;
        QString module;
        QString recordId;
        QString recordTeam;
        QString editingField;

        // What the cluster bus carries (only what presence needs of the identity).
        QJsonObject toJson() const;
        static std::optional<SessionState> fromJson(const QJsonObject& json);
    };

    void join(SessionKey session, const Identity& identity);
    // True when that was the user's last session (they are offline now).
    bool leave(SessionKey session);
    void setStatus(SessionKey session, PresenceStatus status);
    void setViewing(SessionKey session, const QString& module, const QString& id,
                    const QString& team);
    void setEditing(SessionKey session, const QString& field);
    bool isViewing(SessionKey session) const;
    QString viewingModule(SessionKey session) const;

    QString userOf(SessionKey session) const;
    // The user's aggregated presence as `viewer` may see it; status "offline" when gone.
    Presence userPresence(const QString& userId, const Identity& viewer) const;
    // Everyone present in the viewer's brokerage.
    PresenceSnapshot snapshot(const Identity& viewer) const;
    // Other users viewing a record (for the record:subscribe ack).
    QJsonArray viewersOf(const QString& module, const QString& id, const QString& exceptUser) const;

    // This node's sessions of `userId`, as the other nodes should know them.
    QList<SessionState> localSessionsOf(const QString& userId) const;
    // Every user with a session on this node.
    QStringList localUsers() const;
    // `node` now holds exactly these sessions of `userId` (none: the user left that node).
    void setRemote(const QString& node, const QString& userId, const QList<SessionState>& sessions);
    // `node` is gone: its sessions with it. The users that had any there, with their brokerage.
    QHash<QString, QString> dropNode(const QString& node);

private:
    // Every session there is, this node's and the others'.
    template <typename Visit> void forEachSession(Visit visit) const;

    QHash<SessionKey, SessionState> m_sessions;
    QHash<QString, QHash<QString, QList<SessionState>>> m_remote; // node -> user -> sessions
    // A user's sessions here, kept summed up: userPresence runs for every user of the
    // brokerage at each connect (the snapshot), so it must not walk every session each time.
    struct LocalUser
    {
        QList<SessionKey> sessions;
        std::array<int, 4> byStatus{}; // sessions per PresenceStatus
        QList<SessionKey> viewing;     // the sessions with a record open
    };
    void countStatus(const SessionState& state, int delta);

    QHash<QString, LocalUser> m_byUser;
};

} // namespace crm
