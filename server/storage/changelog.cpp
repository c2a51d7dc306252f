#include "server/storage/changelog.h"

#include "server/storage/database.h"

#include <QJsonDocument>

namespace crm {

namespace {

const QString kSelect = QStringLiteral(
    "SELECT c.brokerage_id, c.seq, c.module, c.record_id, c.team_id, c.owner_id, c.kind, "
    "c.fields, c.version, c.user_id, COALESCE(u.display_name, ''), COALESCE(c.client_id, ''), "
    "COALESCE(c.mutation_id, -1), c.at, COALESCE(c.agent, '') FROM changes c LEFT JOIN users u ON "
    "u.id = c.user_id ");

} // namespace

ChangeLog::ChangeLog(Database& db) : m_db(db) {}

bool ChangeLog::append(ChangeEntry& e)
{
    auto next = m_db.query();
    if (!m_db.exec(next,
                   QStringLiteral("UPDATE brokerages SET last_seq = last_seq + 1 WHERE id = ? "
                                  "RETURNING last_seq"),
                   {e.brokerageId}) ||
        !next.next())
        return false;
    e.seq = next.value(0).toLongLong();
    next.finish();
    auto insert = m_db.query();
    return m_db.exec(
        insert,
        QStringLiteral(
            "INSERT INTO changes (brokerage_id, seq, module, record_id, team_id, "
            "owner_id, kind, fields, version, user_id, client_id, mutation_id, at, agent) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {e.brokerageId, e.seq, e.module, e.recordId, e.teamId, e.ownerId, e.kind,
         QString::fromUtf8(QJsonDocument(e.fields).toJson(QJsonDocument::Compact)), e.version,
         e.userId, e.clientId.isEmpty() ? QVariant() : QVariant(e.clientId),
         e.mutationId < 0 ? QVariant() : QVariant(e.mutationId), e.at,
         e.agent.isEmpty() ? QVariant() : QVariant(e.agent)});
}

qint64 ChangeLog::lastSeq(const QString& brokerageId)
{
    auto query = m_db.query();
    if (m_db.exec(query, QStringLiteral("SELECT last_seq FROM brokerages WHERE id = ?"),
                  {brokerageId}) &&
        query.next())
        return query.value(0).toLongLong();
    return 0;
}

std::optional<QHash<QString, qint64>> ChangeLog::lastSeqs()
{
    auto query = m_db.query();
    if (!m_db.exec(query, QStringLiteral("SELECT id, last_seq FROM brokerages"), {}))
        return std::nullopt;
    QHash<QString, qint64> seqs;
    while (query.next())
        seqs.insert(query.value(0).toString(), query.value(1).toLongLong());
    return seqs;
}

std::optional<QList<ChangeEntry>> ChangeLog::select(const QString& where, const QVariantList& binds)
{
    QList<ChangeEntry> entries;
    auto query = m_db.query();
    if (!m_db.exec(query, kSelect + where, binds))
        return std::nullopt;
    while (query.next()) {
        ChangeEntry e;
        e.brokerageId = query.value(0).toString();
        e.seq = query.value(1).toLongLong();
        e.module = query.value(2).toString();
        e.recordId = query.value(3).toString();
        e.teamId = query.value(4).toString();
        e.ownerId = query.value(5).toString();
        e.kind = query.value(6).toString();
        e.fields = QJsonDocument::fromJson(query.value(7).toString().toUtf8()).object();
        e.version = query.value(8).toLongLong();
        e.userId = query.value(9).toString();
        e.userName = query.value(10).toString();
        e.clientId = query.value(11).toString();
        e.mutationId = query.value(12).toLongLong();
        e.at = query.value(13).toString();
        e.agent = query.value(14).toString();
        if (!e.agent.isEmpty())
            e.userName += QStringLiteral(" (AI)");
        entries.append(e);
    }
    return entries;
}

QList<ChangeEntry> ChangeLog::since(const QString& brokerageId, qint64 seq, int limit)
{
    return select(QStringLiteral("WHERE c.brokerage_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?"),
                  {brokerageId, seq, limit})
        .value_or(QList<ChangeEntry>());
}

std::optional<QList<ChangeEntry>>
ChangeLog::recordHistoryAfter(const QString& module, const QString& recordId, qint64 version)
{
    return select(
        QStringLiteral("WHERE c.module = ? AND c.record_id = ? AND c.version > ? ORDER BY c.seq"),
        {module, recordId, version});
}

} // namespace crm
