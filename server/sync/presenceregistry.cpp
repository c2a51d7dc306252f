#include "server/sync/presenceregistry.h"

#include <algorithm>
#include <QSet>

namespace crm {

void PresenceRegistry::join(SessionKey session, const Identity& identity)
{
    m_sessions.insert(session, SessionState{identity, PresenceStatus::Online, {}, {}, {}, {}});
    m_byUser.insert(identity.userId, session);
}

bool PresenceRegistry::leave(SessionKey session)
{
    const QString user = userOf(session);
    m_sessions.remove(session);
    m_byUser.remove(user, session);
    return !user.isEmpty() && !m_byUser.contains(user);
}

void PresenceRegistry::setStatus(SessionKey session, PresenceStatus status)
{
    auto it = m_sessions.find(session);
    if (it != m_sessions.end())
        it->status = status;
}

void PresenceRegistry::setViewing(SessionKey session, const QString& module, const QString& id,
                                  const QString& team)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    it->module = module;
    it->recordId = id;
    it->recordTeam = team;
    it->editingField.clear();
}

void PresenceRegistry::setEditing(SessionKey session, const QString& field)
{
    auto it = m_sessions.find(session);
    if (it != m_sessions.end())
        it->editingField = field;
}

bool PresenceRegistry::isViewing(SessionKey session) const
{
    const auto it = m_sessions.constFind(session);
    return it != m_sessions.constEnd() && !it->recordId.isEmpty();
}

QString PresenceRegistry::viewingModule(SessionKey session) const
{
    return m_sessions.value(session).module;
}

QString PresenceRegistry::userOf(SessionKey session) const
{
    return m_sessions.value(session).identity.userId;
}

Presence PresenceRegistry::userPresence(const QString& userId, const Identity& viewer) const
{
    Presence presence;
    presence.userId = userId;
    for (auto key = m_byUser.constFind(userId); key != m_byUser.cend() && key.key() == userId;
         ++key) {
        const SessionState& state = m_sessions[key.value()];
        ++presence.sessions;
        presence.name = state.identity.displayName;
        // The most present session wins: one busy window means "do not disturb".
        presence.status = std::max(presence.status, state.status);
        if (state.recordId.isEmpty() ||
            !viewer.canSee(state.identity.brokerageId, state.recordTeam))
            continue;
        presence.viewing.append({state.module, state.recordId, {}});
        if (!state.editingField.isEmpty())
            presence.editing.append({state.module, state.recordId, state.editingField});
    }
    return presence;
}

PresenceSnapshot PresenceRegistry::snapshot(const Identity& viewer) const
{
    PresenceSnapshot out;
    for (const auto& user : m_byUser.uniqueKeys()) {
        const SessionKey any = m_byUser.value(user);
        if (m_sessions.value(any).identity.brokerageId == viewer.brokerageId)
            out.users.append(userPresence(user, viewer));
    }
    return out;
}

QJsonArray PresenceRegistry::viewersOf(const QString& module, const QString& id,
                                       const QString& exceptUser) const
{
    QSet<QString> seen;
    QJsonArray viewers;
    for (const auto& state : m_sessions) {
        if (state.module != module || state.recordId != id || state.identity.userId == exceptUser ||
            seen.contains(state.identity.userId))
            continue;
        seen.insert(state.identity.userId);
        viewers.append(QJsonObject{{QStringLiteral("userId"), state.identity.userId},
                                   {QStringLiteral("name"), state.identity.displayName}});
    }
    return viewers;
}

} // namespace crm
