#include "server/sync/presenceregistry.h"

#include <QSet>

namespace crm {

namespace {

// Busy wins over online, online over away: one busy window means "do not disturb".
int statusRank(const QString& status)
{
    if (status == QStringLiteral("busy"))
        return 3;
    if (status == QStringLiteral("online"))
        return 2;
    if (status == QStringLiteral("away"))
        return 1;
    return 0;
}

} // namespace

bool PresenceRegistry::isValidStatus(const QString& status)
{
    return status == QStringLiteral("online") || status == QStringLiteral("away") ||
           status == QStringLiteral("busy");
}

void PresenceRegistry::join(SessionKey session, const Identity& identity)
{
    m_sessions.insert(session, SessionState{identity, QStringLiteral("online"), {}, {}, {}, {}});
    m_byUser.insert(identity.userId, session);
}

bool PresenceRegistry::leave(SessionKey session)
{
    const QString user = userOf(session);
    m_sessions.remove(session);
    m_byUser.remove(user, session);
    return !user.isEmpty() && !m_byUser.contains(user);
}

void PresenceRegistry::setStatus(SessionKey session, const QString& status)
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

QJsonObject PresenceRegistry::userPresence(const QString& userId, const Identity& viewer) const
{
    QJsonObject presence{{QStringLiteral("userId"), userId},
                         {QStringLiteral("status"), QStringLiteral("offline")}};
    int rank = 0;
    int sessions = 0;
    QJsonArray viewing;
    QJsonArray editing;
    for (auto key = m_byUser.constFind(userId); key != m_byUser.cend() && key.key() == userId;
         ++key) {
        const SessionState& state = m_sessions[key.value()];
        ++sessions;
        presence.insert(QStringLiteral("name"), state.identity.displayName);
        if (statusRank(state.status) > rank) {
            rank = statusRank(state.status);
            presence.insert(QStringLiteral("status"), state.status);
        }
        if (state.recordId.isEmpty() ||
            !viewer.canSee(state.identity.brokerageId, state.recordTeam))
            continue;
        const QJsonObject record{{QStringLiteral("module"), state.module},
                                 {QStringLiteral("id"), state.recordId}};
        viewing.append(record);
        if (!state.editingField.isEmpty()) {
            QJsonObject edit = record;
            edit.insert(QStringLiteral("field"), state.editingField);
            editing.append(edit);
        }
    }
    presence.insert(QStringLiteral("sessions"), sessions);
    presence.insert(QStringLiteral("viewing"), viewing);
    presence.insert(QStringLiteral("editing"), editing);
    return presence;
}

QJsonArray PresenceRegistry::snapshot(const Identity& viewer) const
{
    QJsonArray out;
    for (const auto& user : m_byUser.uniqueKeys()) {
        const SessionKey any = m_byUser.value(user);
        if (m_sessions.value(any).identity.brokerageId == viewer.brokerageId)
            out.append(userPresence(user, viewer));
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
