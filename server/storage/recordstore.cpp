#include "server/storage/recordstore.h"

#include "server/storage/database.h"

#include <QJsonDocument>

namespace crm {

namespace {

const QString kColumns = QStringLiteral(
    "module, id, brokerage_id, team_id, owner_id, data, field_versions, version, deleted, "
    "created_at, created_by, updated_at, updated_by");

QString toText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject fromText(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

StoredRecord fromRow(const Query& query)
{
    StoredRecord record;
    record.module = query.value(0).toString();
    record.id = query.value(1).toString();
    record.brokerageId = query.value(2).toString();
    record.teamId = query.value(3).toString();
    record.ownerId = query.value(4).toString();
    record.data = fromText(query.value(5).toString());
    record.fieldVersions = fromText(query.value(6).toString());
    record.version = query.value(7).toLongLong();
    record.deleted = query.value(8).toInt() != 0;
    record.createdAt = query.value(9).toString();
    record.createdBy = query.value(10).toString();
    record.updatedAt = query.value(11).toString();
    record.updatedBy = query.value(12).toString();
    return record;
}

} // namespace

RecordStore::RecordStore(Database& db) : m_db(db) {}

std::optional<StoredRecord> RecordStore::find(const QString& module, const QString& id)
{
    auto query = m_db.query();
    if (!m_db.exec(
            query,
            QStringLiteral("SELECT %1 FROM records WHERE module = ? AND id = ?").arg(kColumns),
            {module, id}) ||
        !query.next())
        return std::nullopt;
    return fromRow(query);
}

QList<StoredRecord> RecordStore::list(const Identity& viewer, const QString& module, int offset,
                                      int limit, qint64* total)
{
    QString where = QStringLiteral("WHERE module = ? AND brokerage_id = ? AND deleted = 0");
    QVariantList binds{module, viewer.brokerageId};
    if (!viewer.isBrokerAdmin()) {
        where += QStringLiteral(" AND team_id = ?");
        binds.append(viewer.teamId);
    }
    auto count = m_db.query();
    if (total && m_db.exec(count, QStringLiteral("SELECT COUNT(*) FROM records ") + where, binds) &&
        count.next())
        *total = count.value(0).toLongLong();

    QList<StoredRecord> records;
    auto query = m_db.query();
    if (!m_db.exec(
            query,
            QStringLiteral("SELECT %1 FROM records %2 ORDER BY created_at, id LIMIT ? OFFSET ?")
                .arg(kColumns, where),
            binds + QVariantList{limit, offset}))
        return records;
    while (query.next())
        records.append(fromRow(query));
    return records;
}

bool RecordStore::insert(const StoredRecord& r)
{
    auto query = m_db.query();
    return m_db.exec(
        query,
        QStringLiteral("INSERT INTO records (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?)")
            .arg(kColumns),
        {r.module, r.id, r.brokerageId, r.teamId, r.ownerId, toText(r.data),
         toText(r.fieldVersions), r.version, r.deleted ? 1 : 0, r.createdAt, r.createdBy,
         r.updatedAt, r.updatedBy});
}

bool RecordStore::update(const StoredRecord& r)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE records SET data = ?, field_versions = ?, version = ?, "
                                    "deleted = ?, updated_at = ?, updated_by = ? "
                                    "WHERE module = ? AND id = ?"),
                     {toText(r.data), toText(r.fieldVersions), r.version, r.deleted ? 1 : 0,
                      r.updatedAt, r.updatedBy, r.module, r.id}) &&
           query.numRowsAffected() == 1;
}

} // namespace crm
