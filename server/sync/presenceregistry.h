#pragma once

#include "protocol/presence.h"
#include "server/storage/identity.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace crm {

// Who is online, per session and aggregated per user (several windows or machines): status,
// the record each session views and the field it edits. Pure bookkeeping, no sockets: the sync
// hub decides who hears what. A recipient only learns about records it may see.
class PresenceRegistry
{
public:
    using SessionKey = const void*;

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

private:
    struct SessionState
    {
        Identity identity;
        PresenceStatus status = PresenceStatus::Online;
        QString module;
        QString recordId;
        QString recordTeam;
        QString editingField;
    };

    QHash<SessionKey, SessionState> m_sessions;
    QMultiHash<QString, SessionKey> m_byUser; // a user's sessions without scanning them all
};

} // namespace crm
