#include "core/problemlog.h"

#include "core/corelogging.h"
#include "core/outbox.h"
#include "core/storedatabase.h"
#include "core/storerows.h"

#include <QSqlQuery>

namespace crm {

using storerows::entryBinds;
using storerows::entryFrom;
using storerows::kEntryColumns;
using storerows::now;
using storerows::objectFrom;
using storerows::toText;

bool ProblemLog::fail(qint64 mutationId, const QString& code, const QString& message)
{
    // Without the transaction the entry would leave the outbox even if the insert failed.
    if (!m_db.beginWrite())
        return false;
    const auto entry = m_outbox.take(mutationId);
    if (!entry ||
        !m_db.run(QStringLiteral("INSERT INTO failed (%1, code, message, failed_at) VALUES (?, ?, "
                                 "?, ?, ?, ?, ?, ?, ?, ?, ?)")
                      .arg(kEntryColumns),
                  entryBinds(*entry) + QVariantList{code, message, now()}) ||
        !m_db.commit()) {
        m_db.rollback();
        return false;
    }
    return true;
}

bool ProblemLog::conflict(qint64 mutationId, ConflictKind kind, const QJsonObject& detail)
{
    // Without the transaction the entry would leave the outbox even if the insert failed.
    if (!m_db.beginWrite())
        return false;
    const auto entry = m_outbox.take(mutationId);
    if (!entry ||
        !m_db.run(QStringLiteral("INSERT INTO conflicts (%1, kind, detail, at) VALUES (?, ?, ?, ?, "
                                 "?, ?, ?, ?, ?, ?, ?)")
                      .arg(kEntryColumns),
                  entryBinds(*entry) +
                      QVariantList{conflictKindName(kind), toText(detail), now()}) ||
        !m_db.commit()) {
        m_db.rollback();
        return false;
    }
    return true;
}

QList<FailedEntry> ProblemLog::failures()
{
    QList<FailedEntry> out;
    m_db.select(QStringLiteral("SELECT %1, code, message FROM failed ORDER BY mutation_id")
                    .arg(kEntryColumns),
                {}, [&](const QSqlQuery& query) {
                    // A row this build cannot read is skipped and kept (see storerows::entryFrom).
                    if (auto entry = entryFrom(query))
                        out.append({std::move(*entry), query.value(8).toString(),
                                    query.value(9).toString()});
                    return true;
                });
    return out;
}

QList<ConflictEntry> ProblemLog::conflicts()
{
    QList<ConflictEntry> out;
    m_db.select(
        QStringLiteral("SELECT %1, kind, detail, id FROM conflicts ORDER BY id").arg(kEntryColumns),
        {}, [&](const QSqlQuery& query) {
            // A row this build cannot read is skipped and kept, for the reasons of
            // storerows::entryFrom: shown as some other kind, the conflict would offer choices
            // that do not fit it (keep mine on a deleted record, restore on a changed one).
            const QString kindName = query.value(8).toString();
            const auto kind = conflictKindFromName(kindName);
            if (!kind) {
                qCWarning(lcLocalStore)
                    << "conflict" << query.value(10).toLongLong() << "has an unknown kind"
                    << kindName << "; left in the profile, not read";
                return true;
            }
            if (auto entry = entryFrom(query))
                out.append({query.value(10).toLongLong(), std::move(*entry), *kind,
                            objectFrom(query.value(9).toString())});
            return true;
        });
    return out;
}

bool ProblemLog::discardFailure(qint64 mutationId)
{
    const QSqlQuery* query =
        m_db.run(QStringLiteral("DELETE FROM failed WHERE mutation_id = ?"), {mutationId});
    return query && query->numRowsAffected() == 1;
}

bool ProblemLog::resolveConflict(qint64 conflictId)
{
    const QSqlQuery* query =
        m_db.run(QStringLiteral("DELETE FROM conflicts WHERE id = ?"), {conflictId});
    return query && query->numRowsAffected() == 1;
}

bool ProblemLog::hasFailure(const QString& module, const QString& recordId)
{
    return m_db.count(
               QStringLiteral("SELECT COUNT(*) FROM failed WHERE module = ? AND record_id = ?"),
               {module, recordId}) > 0;
}

bool ProblemLog::hasConflict(const QString& module, const QString& recordId)
{
    return m_db.count(
               QStringLiteral("SELECT COUNT(*) FROM conflicts WHERE module = ? AND record_id = ?"),
               {module, recordId}) > 0;
}

QString ProblemLog::permissionRefusal(const QString& module, const QString& recordId)
{
    QString reason;
    const QStringList codes = permissionErrorNames();
    QVariantList binds{module, recordId};
    for (const auto& code : codes)
        binds.append(code);
    m_db.select(QStringLiteral("SELECT message FROM failed WHERE module = ? AND record_id = ? AND "
                               "code IN (%1) ORDER BY failed_at DESC LIMIT 1")
                    .arg(QStringList(codes.size(), QStringLiteral("?")).join(u',')),
                binds, [&](const QSqlQuery& query) {
                    reason = query.value(0).toString();
                    return false;
                });
    return reason;
}

int ProblemLog::failureCount()
{
    return m_db.count(QStringLiteral("SELECT COUNT(*) FROM failed"), {});
}

int ProblemLog::conflictCount()
{
    return m_db.count(QStringLiteral("SELECT COUNT(*) FROM conflicts"), {});
}

} // namespace crm
