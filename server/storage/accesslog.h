#pragma once

#include <chrono>
#include <QList>
#include <QString>

namespace crm {

class Database;

// Whose access changed, as rows that every process sharing the database reads. `crm-server user
// disable` runs as a process of its own against the same database as the running server (and a
// brokerage may run several server nodes), so the database is the only place they all hear of
// it. Rows are numbered in commit order; a reader remembers the last number it acted on and
// re-checks the current state of the users named (the kind is for logs).
class AccessLog
{
public:
    struct Entry
    {
        qint64 seq = 0;
        QString userId;
        QString sessionId; // the one session that ended; empty: about the user as a whole
        QString kind;
    };

    enum class Kind
    {
        Disabled,
        Enabled,
        Access,          // another team or role
        SignedOut,       // one session ended (sessionId)
        SessionsRevoked, // every session of the user ended
    };

    explicit AccessLog(Database& db);

    // Inside the caller's transaction when there is one, so the row commits with the change.
    bool record(const QString& userId, Kind kind, const QString& sessionId = {});
    qint64 lastSeq();
    // Oldest first.
    QList<Entry> after(qint64 seq, int limit);
    // Forgets rows older than `age`, always keeping the newest: numbers are never reused.
    void prune(std::chrono::seconds age);

private:
    Database& m_db;
};

} // namespace crm
