#pragma once

#include "server/storage/changeentry.h"

#include <optional>
#include <QHash>
#include <QList>

namespace crm {

class Database;

// The per-brokerage sequenced log. append() takes the next seq inside the caller's transaction,
// so a change and its seq commit (or vanish) together.
class ChangeLog
{
public:
    explicit ChangeLog(Database& db);

    bool append(ChangeEntry& entry);
    qint64 lastSeq(const QString& brokerageId);
    // Every brokerage's last seq; nullopt when the read failed.
    std::optional<QHash<QString, qint64>> lastSeqs();
    // Changes after `seq`, oldest first, at most `limit` (all of the brokerage: callers filter).
    QList<ChangeEntry> since(const QString& brokerageId, qint64 seq, int limit);
    // The changes of one record after `version`, oldest first: who changed what since a
    // mutation's base. Nullopt when the read failed: a conflict check must never take a failed
    // read for "nobody else changed it".
    std::optional<QList<ChangeEntry>> recordHistoryAfter(const QString& module,
                                                         const QString& recordId, qint64 version);

private:
    std::optional<QList<ChangeEntry>> select(const QString& where, const QVariantList& binds);

    Database& m_db;
};

} // namespace crm
