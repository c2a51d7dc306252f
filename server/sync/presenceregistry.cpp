#include "server/sync/presenceregistry.h"

#include <algorithm>
#include <QSet>

namespace crm {

void PresenceRegistry::join(SessionKey session, const Identity& identity)
{
    if (m_sessions.contains(session))
        leave(session);
    const auto state =
        m_sessions.insert(session, SessionState{identity, PresenceStatus::Online, {}, {}, {}, {}});
    m_byUser[identity.userId].sessions.append(session);
    countStatus(*state, 1);
}

bool PresenceRegistry::leave(SessionKey session)
{
    const auto state = m_sessions.constFind(session);
    if (state == m_sessions.cend())
        return false;
    const QString user = state->identity.userId;
    countStatus(*state, -1);
    const auto local = m_byUser.find(user);
    if (!state->recordId.isEmpty())
        local->viewing.removeOne(session);
    m_sessions.erase(state);
    local->sessions.removeOne(session);
    if (!local->sessions.isEmpty())
        return false;
    m_byUser.erase(local);
    return true;
}

void PresenceRegistry::countStatus(const SessionState& state, int delta)
{
    m_byUser[state.identity.userId].byStatus[static_cast<size_t>(state.status)] += delta;
}

void PresenceRegistry::setStatus(SessionKey session, PresenceStatus status)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    countStatus(*it, -1);
    it->status = status;
    countStatus(*it, 1);
}

void PresenceRegistry::setViewing(SessionKey session, const QString& module, const QString& id,
                                  const QString& team)
{
    auto it = m_sessions.find(session);
    if (it == m_sessions.end())
        return;
    if (it->recordId.isEmpty() != id.isEmpty()) {
        auto& viewing = m_byUser[it->identity.userId].viewing;
        if (id.isEmpty())
            viewing.removeOne(session);
        else
            viewing.append(session);
    }
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
    auto addViewing = [&](const SessionState& state) {
        if (state.recordId.isEmpty() ||
            !viewer.canSee(state.identity.brokerageId, state.recordTeam))
            return;
        presence.viewing.append({state.module, state.recordId, {}});
        if (!state.editingField.isEmpty())
            presence.editing.append({state.module, state.recordId, state.editingField});
    };
    // The most present session wins: one busy window means "do not disturb".
    auto add = [&](const SessionState& state) {
        ++presence.sessions;
        presence.name = state.identity.displayName;
        presence.status = std::max(presence.status, state.status);
        addViewing(state);
    };
    const auto local = m_byUser.constFind(userId);
    if (local != m_byUser.cend()) {
        presence.sessions = static_cast<int>(local->sessions.size());
        presence.name = m_sessions.constFind(local->sessions.constFirst())->identity.displayName;
        for (size_t status = 0; status < local->byStatus.size(); ++status) {
            if (local->byStatus[status] > 0)
                presence.status = std::max(presence.status, static_cast<PresenceStatus>(status));
        }
        for (const SessionKey key : local->viewing)
            addViewing(*m_sessions.constFind(key));
    }
    for (const auto& users : m_remote) {
        for (const auto& state : users.value(userId))
            add(state);
    }
    return presence;
}

PresenceSnapshot PresenceRegistry::snapshot(const Identity& viewer) const
{
    // Each user once, whatever their number of sessions: this runs at every connect, and a
    // walk over every session there (twice for each user's) made connecting N sockets cost N².
    PresenceSnapshot out;
    QSet<QString> seen;
    auto consider = [&](const QString& userId, const SessionState& any) {
        if (any.identity.brokerageId == viewer.brokerageId && !seen.contains(userId)) {
            seen.insert(userId);
            out.users.append(userPresence(userId, viewer));
        }
    };
    for (auto it = m_byUser.cbegin(); it != m_byUser.cend(); ++it)
        consider(it.key(), *m_sessions.constFind(it->sessions.constFirst()));
    for (const auto& users : m_remote) {
        for (auto it = users.cbegin(); it != users.cend(); ++it) {
            if (!it->isEmpty())
                consider(it.key(), it->first());
        }
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
    for (const SessionKey key : m_byUser.value(userId).sessions)
        out.append(*m_sessions.constFind(key));
    return out;
}

QStringList PresenceRegistry::localUsers() const
{
    return m_byUser.keys();
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
