#include "server/sync/accesswatcher.h"

#include "protocol/eventnames.h"
#include "server/storage/accesslog.h"
#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"
#include "server/sync/synclogging.h"

namespace crm {

namespace {

constexpr int kBatch = 500;
// Rows only matter to processes running when they were written; a day covers a node that was
// busy or paused, and keeps the table small.
constexpr std::chrono::hours kKeep{24};

} // namespace

AccessWatcher::AccessWatcher(AccessLog& log, UserDirectory& users, TokenService& tokens,
                             std::chrono::milliseconds interval, QObject* parent)
    : QObject(parent), m_log(log), m_users(users), m_tokens(tokens), m_seen(log.lastSeq())
{
    connect(&m_poll, &QTimer::timeout, this, [this] { catchUp(); });
    m_poll.start(interval);
    connect(&m_prune, &QTimer::timeout, this, [this] { m_log.prune(kKeep); });
    m_prune.start(std::chrono::hours(1));
}

bool AccessWatcher::catchUp()
{
    QStringList users;
    for (;;) {
        const auto entries = m_log.after(m_seen, kBatch);
        for (const auto& entry : entries) {
            qCInfo(lcSync) << "access of" << entry.userId << "changed:" << entry.kind;
            m_seen = entry.seq;
            if (!users.contains(entry.userId))
                users.append(entry.userId);
        }
        if (entries.size() < kBatch)
            break;
    }
    if (users.isEmpty())
        return false;
    m_enabledUsers.clear();
    m_liveSessions.clear();
    emit changed(users);
    return true;
}

std::optional<AccessWatcher::Verdict> AccessWatcher::judge(const Identity& admitted)
{
    if (!m_enabledUsers.contains(admitted.userId)) {
        const auto user = m_users.findById(admitted.userId);
        m_enabledUsers.insert(admitted.userId, user && !user->disabled
                                                   ? std::optional<Identity>(user->identity)
                                                   : std::nullopt);
    }
    if (!m_liveSessions.contains(admitted.sessionId))
        m_liveSessions.insert(admitted.sessionId, m_tokens.isSessionLive(admitted.sessionId));
    const auto& current = m_enabledUsers[admitted.userId];
    const QString revoked = QString(events::AuthRevoked);
    if (!current)
        return Verdict{revoked, QStringLiteral("Your account was disabled; ask your broker admin")};
    if (!m_liveSessions.value(admitted.sessionId))
        return Verdict{revoked, QStringLiteral("You were signed out of this session")};
    if (current->teamId != admitted.teamId || current->role != admitted.role)
        return Verdict{QString(events::AuthAccessChanged),
                       QStringLiteral("Your team or role changed")};
    return std::nullopt;
}

} // namespace crm
