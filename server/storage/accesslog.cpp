#include "server/storage/accesslog.h"

#include "server/storage/database.h"
#include "server/storage/storagelogging.h"

#include <QDateTime>

namespace crm {

namespace {

QString isoNow(std::chrono::seconds ago = std::chrono::seconds(0))
{
    return QDateTime::currentDateTimeUtc().addSecs(-ago.count()).toString(Qt::ISODateWithMs);
}

QString kindName(AccessLog::Kind kind)
{
    switch (kind) {
    case AccessLog::Kind::Disabled:
        return QStringLiteral("disabled");
    case AccessLog::Kind::Enabled:
        return QStringLiteral("enabled");
    case AccessLog::Kind::Access:
        return QStringLiteral("access");
    case AccessLog::Kind::SignedOut:
        return QStringLiteral("signed_out");
    case AccessLog::Kind::SessionsRevoked:
        return QStringLiteral("sessions_revoked");
    }
    return {};
}

} // namespace

AccessLog::AccessLog(Database& db) : m_db(db) {}

bool AccessLog::record(const QString& userId, Kind kind, const QString& sessionId)
{
    // The next number is the highest plus one, taken in the same statement. SQLite serialises
    // writers; on PostgreSQL two processes can pick the same number at once, and the one that
    // commits second fails on the key: its savepoint is rolled back and it takes the next one.
    for (int attempt = 0; attempt < 5; ++attempt) {
        Transaction step(m_db);
        auto query = m_db.query();
        if (step.isOpen() &&
            m_db.exec(query,
                      QStringLiteral("INSERT INTO access_changes (seq, user_id, session_id, kind, "
                                     "at) SELECT COALESCE(MAX(seq), 0) + 1, CAST(? AS TEXT), "
                                     "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT) FROM "
                                     "access_changes"),
                      {userId, sessionId.isEmpty() ? QVariant() : QVariant(sessionId),
                       kindName(kind), isoNow()}) &&
            step.commit())
            return true;
    }
    qCWarning(lcAuth) << "could not record that the access of" << userId
                      << "changed:" << kindName(kind);
    return false;
}

qint64 AccessLog::lastSeq()
{
    auto query = m_db.query();
    if (m_db.exec(query, QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM access_changes")) &&
        query.next())
        return query.value(0).toLongLong();
    return 0;
}

QList<AccessLog::Entry> AccessLog::after(qint64 seq, int limit)
{
    QList<Entry> entries;
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT seq, user_id, COALESCE(session_id, ''), kind FROM "
                                  "access_changes WHERE seq > ? ORDER BY seq LIMIT ?"),
                   {seq, limit}))
        return entries;
    while (query.next())
        entries.append(Entry{query.value(0).toLongLong(), query.value(1).toString(),
                             query.value(2).toString(), query.value(3).toString()});
    return entries;
}

void AccessLog::prune(std::chrono::seconds age)
{
    auto query = m_db.query();
    m_db.exec(query,
              QStringLiteral("DELETE FROM access_changes WHERE at < ? AND seq < (SELECT MAX(seq) "
                             "FROM access_changes)"),
              {isoNow(age)});
}

} // namespace crm
