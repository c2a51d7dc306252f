#pragma once

#include "server/storage/identity.h"

#include <chrono>
#include <optional>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace crm {

class AccessLog;
class TokenService;
class UserDirectory;

// Hears of access changes made anywhere: by this process, by `crm-server user ...` run against
// the same database, by another server node. It reads the access log about once a second (one
// indexed range read of its key) and is asked to catch up at once before a socket's write is
// taken up, so a change committed before that request arrived is always acted on first. Then it
// judges each socket of the users named against their current state.
class AccessWatcher : public QObject
{
    Q_OBJECT
public:
    // What a socket hears before it is closed, or nothing when it may stay.
    struct Verdict
    {
        QString event; // auth:revoked or auth:access-changed
        QString message;
    };

    // Starts after what the log holds now: what came before is already the state a CONNECT or
    // a REST call reads.
    AccessWatcher(AccessLog& log, UserDirectory& users, TokenService& tokens,
                  std::chrono::milliseconds interval, QObject* parent = nullptr);

    // Reads what was recorded since the last look and announces it; false when nothing was.
    bool catchUp();
    // A socket admitted as `admitted`, against its user's and session's current state: a
    // disabled or removed user or an ended session is revoked, another team or role is told to
    // reconnect. Reads each user and session once per catch-up.
    std::optional<Verdict> judge(const Identity& admitted);

signals:
    // Each user named once; the listener judges their sockets.
    void changed(const QStringList& userIds);

private:
    AccessLog& m_log;
    UserDirectory& m_users;
    TokenService& m_tokens;
    qint64 m_seen = 0;
    QTimer m_poll;
    QTimer m_prune;
    // Current state read during one catch-up: several sockets of a user cost one read.
    QHash<QString, std::optional<Identity>> m_enabledUsers; // user id -> identity, or disabled
    QHash<QString, bool> m_liveSessions;
};

} // namespace crm
