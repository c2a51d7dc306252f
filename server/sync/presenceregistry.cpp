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

template <typename Visit>
void PresenceRegistry::forEachSessionOf(const QString& userId, Visit visit) const
{
    for (auto key = m_byUser.constFind(userId); key != m_byUser.cend() && key.key() == userId;
         ++key)
        visit(m_sessions[key.value()]);
    for (const auto& users : m_remote) {
        for (const auto& state : users.value(userId))
            visit(state);
    }
}

template <typename Visit> void PresenceRegistry::forEachSession(Visit visit) const
{
    for (const auto& state : m_sessions)
        visit(state);
    for (const auto& users : m_remote) {
        for (const auto& sessions : users) {
            for (const auto& state : sessions)
                visit(state);
        }
    }
}

Presence PresenceRegistry::userPresence(const QString& userId, const Identity& viewer) const
{
    Presence presence;
    presence.userId = userId;
    forEachSessionOf(userId, [&](const SessionState& state) {
        ++presence.sessions;
        presence.name = state.identity.displayName;
        // The most present session wins: one busy window means "do not disturb".
        presence.status = std::max(presence.status, state.status);
        if (state.recordId.isEmpty() ||
            !viewer.canSee(state.identity.brokerageId, state.recordTeam))
            return;
        presence.viewing.append({state.module, state.recordId, {}});
        if (!state.editingField.isEmpty())
            presence.editing.append({state.module, state.recordId, state.editingField});
    });
    return presence;
}

PresenceSnapshot PresenceRegistry::snapshot(const Identity& viewer) const
{
    QHash<QString, QString> brokerageOf; // every user present anywhere
    forEachSession([&](const SessionState& state) {
        brokerageOf.insert(state.identity.userId, state.identity.brokerageId);
    });
    PresenceSnapshot out;
    for (auto it = brokerageOf.cbegin(); it != brokerageOf.cend(); ++it) {
        if (it.value() == viewer.brokerageId)
            out.users.append(userPresence(it.key(), viewer));
    }
    return out;
}

QJsonArray PresenceRegistry::viewersOf(const QString& module, const QString& id,
                                       const QString& exceptUser) const
{
    QSet<QString> seen;
    QJsonArray viewers;
    auto consider = [&](const SessionState& state) {
        if (state.module != module || state.recordId != id || state.identity.userId == exceptUser ||
            seen.contains(state.identity.userId))
            return;
        seen.insert(state.identity.userId);
        viewers.append(QJsonObject{{QStringLiteral("userId"), state.identity.userId},
                                   {QStringLiteral("name"), state.identity.displayName}});
    };
    forEachSession(consider);
    return viewers;
}

QList<PresenceRegistry::SessionState> PresenceRegistry::localSessionsOf(const QString& userId) const
{
    QList<SessionState> out;
    for (auto key = m_byUser.constFind(userId); key != m_byUser.cend() && key.key() == userId;
         ++key)
        out.append(m_sessions[key.value()]);
    return out;
}

QStringList PresenceRegistry::localUsers() const
{
    return m_byUser.uniqueKeys();
}

void PresenceRegistry::setRemote(const QString& node, const QString& userId,
                                 const QList<SessionState>& sessions)
{
    if (sessions.isEmpty()) {
        auto users = m_remote.find(node);
        if (users != m_remote.end()) {
            users->remove(userId);
            if (users->isEmpty())
                m_remote.erase(users);
        }
        return;
    }
    m_remote[node].insert(userId, sessions);
}

QHash<QString, QString> PresenceRegistry::dropNode(const QString& node)
{
    QHash<QString, QString> users;
    const auto gone = m_remote.take(node);
    for (auto it = gone.cbegin(); it != gone.cend(); ++it) {
        if (!it->isEmpty())
            users.insert(it.key(), it->constFirst().identity.brokerageId);
    }
    return users;
}

QJsonObject PresenceRegistry::SessionState::toJson() const
{
    return {{QStringLiteral("userId"), identity.userId},
            {QStringLiteral("brokerageId"), identity.brokerageId},
            {QStringLiteral("teamId"), identity.teamId},
            {QStringLiteral("name"), identity.displayName},
            {QStringLiteral("status"), presenceStatusName(status)},
            {QStringLiteral("module"), module},
            {QStringLiteral("recordId"), recordId},
            {QStringLiteral("recordTeam"), recordTeam},
            {QStringLiteral("editing"), editingField}};
}

std::optional<PresenceRegistry::SessionState>
PresenceRegistry::SessionState::fromJson(const QJsonObject& json)
{
    const auto status = presenceStatusFromName(json.value(QStringLiteral("status")).toString());
    const QString userId = json.value(QStringLiteral("userId")).toString();
    if (!status || userId.isEmpty())
        return std::nullopt;
    SessionState state;
    state.identity.userId = userId;
    state.identity.brokerageId = json.value(QStringLiteral("brokerageId")).toString();
    state.identity.teamId = json.value(QStringLiteral("teamId")).toString();
    state.identity.displayName = json.value(QStringLiteral("name")).toString();
    state.status = *status;
    state.module = json.value(QStringLiteral("module")).toString();
    state.recordId = json.value(QStringLiteral("recordId")).toString();
    state.recordTeam = json.value(QStringLiteral("recordTeam")).toString();
    state.editingField = json.value(QStringLiteral("editing")).toString();
    return state;
}

} // namespace crm
