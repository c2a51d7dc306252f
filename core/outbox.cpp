#include "core/outbox.h"

#include "core/storedatabase.h"
#include "core/storerows.h"

#include <QScopeGuard>
#include <QSqlQuery>

namespace crm {

using storerows::entryBinds;
using storerows::entryFrom;
using storerows::kEntryColumns;

std::optional<OutboxEntry> Outbox::enqueue(const QString& module, const QString& recordId,
                                           Operation op, std::optional<qint64> baseVersion,
                                           const QJsonObject& fields)
{
    // Synced before this returns: an edit the agent made survives a power cut (see
    // StoreDatabase::open()).
    QSqlQuery pragma(m_db.connection());
    pragma.exec(QStringLiteral("PRAGMA synchronous=FULL"));
    const auto relax = qScopeGuard(
        [this] { QSqlQuery(m_db.connection()).exec(QStringLiteral("PRAGMA synchronous=NORMAL")); });
    if (!m_db.beginWrite())
        return std::nullopt;
    // Ids are never reused, not even after the outbox emptied: the server remembers the last.
    OutboxEntry entry;
    entry.mutationId =
        std::max<qint64>(1, m_db.metaValue(QStringLiteral("next_mutation_id")).toLongLong());
    entry.module = module;
    entry.recordId = recordId;
    entry.op = op;
    entry.baseVersion = baseVersion;
    entry.fields = fields;
    entry.createdAt = storerows::now();
    if (!m_db.run(QStringLiteral("INSERT INTO outbox (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                      .arg(kEntryColumns),
                  entryBinds(entry)) ||
        !m_db.setMetaValue(QStringLiteral("next_mutation_id"),
                           QString::number(entry.mutationId + 1)) ||
        !m_db.commit()) {
        m_db.rollback();
        return std::nullopt;
    }
    return entry;
}

QList<OutboxEntry> Outbox::entries(int limit)
{
    QList<OutboxEntry> entries;
    // SQLite reads LIMIT -1 as no limit.
    m_db.select(
        QStringLiteral("SELECT %1 FROM outbox ORDER BY mutation_id LIMIT ?").arg(kEntryColumns),
        {limit > 0 ? limit : -1}, [&](const QSqlQuery& query) {
            if (auto entry = entryFrom(query))
                entries.append(std::move(*entry));
            return true;
        });
    return entries;
}

QList<OutboxEntry> Outbox::entriesOf(const QString& module, const QString& recordId)
{
    QList<OutboxEntry> entries;
    m_db.select(QStringLiteral("SELECT %1 FROM outbox WHERE module = ? AND record_id = ? ORDER BY "
                               "mutation_id")
                    .arg(kEntryColumns),
                {module, recordId}, [&](const QSqlQuery& query) {
                    if (auto entry = entryFrom(query))
                        entries.append(std::move(*entry));
                    return true;
                });
    return entries;
}

int Outbox::count()
{
    return m_db.count(QStringLiteral("SELECT COUNT(*) FROM outbox"), {});
}

bool Outbox::noteAttempt(qint64 mutationId)
{
    return m_db.run(
        QStringLiteral("UPDATE outbox SET attempts = attempts + 1 WHERE mutation_id = ?"),
        {mutationId});
}

std::optional<OutboxEntry> Outbox::take(qint64 mutationId)
{
    std::optional<OutboxEntry> entry;
    m_db.select(QStringLiteral("SELECT %1 FROM outbox WHERE mutation_id = ?").arg(kEntryColumns),
                {mutationId}, [&](const QSqlQuery& query) {
                    entry = entryFrom(query);
                    return false;
                });
    // An entry this build cannot read (entryFrom) is not taken: it stays in the outbox.
    if (!entry || !complete(mutationId))
        return std::nullopt;
    return entry;
}

bool Outbox::complete(qint64 mutationId)
{
    return m_db.run(QStringLiteral("DELETE FROM outbox WHERE mutation_id = ?"), {mutationId});
}

} // namespace crm
