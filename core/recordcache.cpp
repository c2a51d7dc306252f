#include "core/recordcache.h"

#include "core/storedatabase.h"
#include "core/storerows.h"
#include "protocol/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace crm {

using storerows::objectFrom;
using storerows::toText;

namespace {

// QtSql binds a null QString as NULL; an event that leaves out a team or owner means "none".
QString notNull(const QString& text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

RecordCache::Record recordFrom(const QSqlQuery& query)
{
    RecordCache::Record r;
    r.module = query.value(0).toString();
    r.id = query.value(1).toString();
    // Read as the UTF-8 bytes it is stored as (CAST ... AS BLOB): as text it would be made
    // UTF-16 and back again for the parser, for each of 100,000 records at start-up.
    r.fields = objectFrom(query.value(2).toByteArray());
    r.version = query.value(3).toLongLong();
    r.teamId = query.value(4).toString();
    r.ownerId = query.value(5).toString();
    const QString masked = query.value(6).toString();
    if (masked != QStringLiteral("[]")) {
        for (const auto& name : QJsonDocument::fromJson(masked.toUtf8()).array())
            r.masked.append(name.toString());
    }
    r.deleted = query.value(7).toInt() != 0;
    return r;
}

} // namespace

qint64 RecordCache::lastSeq()
{
    return m_db.metaValue(QStringLiteral("last_seq")).toLongLong();
}

bool RecordCache::setLastSeq(qint64 seq)
{
    return m_db.setMetaValue(QStringLiteral("last_seq"), QString::number(seq));
}

bool RecordCache::storeRecord(const Record& record)
{
    if (!writeRecord(record))
        return false;
    remember(record);
    return true;
}

void RecordCache::remember(const Record& record)
{
    auto module = m_cache.find(record.module);
    if (module != m_cache.end())
        module->insert(record.id, record);
}

bool RecordCache::writeRecord(const Record& r)
{
    static const QString kNoneMasked = QStringLiteral("[]");
    return m_db.run(
        // An upsert, not INSERT OR REPLACE: the row keeps its rowid and the key index is not
        // rewritten, which halves the pages a burst of remote changes dirties.
        QStringLiteral("INSERT INTO records (module, id, fields, version, team_id, owner_id, "
                       "masked, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (module, id) "
                       "DO UPDATE SET fields = excluded.fields, version = excluded.version, "
                       "team_id = excluded.team_id, owner_id = excluded.owner_id, "
                       "masked = excluded.masked, deleted = excluded.deleted"),
        {r.module, r.id, toText(r.fields), r.version, notNull(r.teamId), notNull(r.ownerId),
         r.masked.isEmpty() ? kNoneMasked : json::write(QJsonArray::fromStringList(r.masked)),
         r.deleted ? 1 : 0});
}

std::optional<QStringList> RecordCache::applyChange(const ChangeEvent& event)
{
    auto applied = applyChanges({event});
    if (!applied)
        return std::nullopt;
    return applied->first().fields;
}

std::optional<QList<RecordCache::Applied>>
RecordCache::applyChanges(const QList<ChangeEvent>& events)
{
    // One transaction for the whole batch: a catch-up of thousands of changes must not pay for
    // thousands of synced commits.
    if (!m_db.beginWrite())
        return std::nullopt;
    QList<Applied> result;
    QHash<QString, Record> staged; // "module/id" -> state after this batch's earlier events
    auto current = [&](const QString& module, const QString& id) -> std::optional<Record> {
        const auto it = staged.constFind(module + u'/' + id);
        return it != staged.cend() ? std::optional<Record>(*it) : record(module, id);
    };
    qint64 highestSeq = lastSeq();
    const qint64 before = highestSeq;
    for (const auto& event : events) {
        const QString& module = event.module;
        const QString& id = event.id;
        const ChangeKind kind = event.kind;
        const qint64 version = event.version;
        const QJsonObject& fields = event.fields;
        highestSeq = std::max(highestSeq, event.seq);
        Applied applied;
        QStringList& changed = applied.fields;
        const auto existing = current(module, id);
        if (!existing || existing->version < version) {
            Record next = existing.value_or(Record{module, id, {}, 0, {}, {}, {}, false});
            next.version = version;
            if (!event.teamId.isEmpty())
                next.teamId = event.teamId;
            if (!event.ownerId.isEmpty())
                next.ownerId = event.ownerId;
            if (kind == ChangeKind::Deleted) {
                next.deleted = true;
            } else {
                const QStringList& hidden = event.masked;
                // Built afresh, not changed in place: Qt's JSON objects keep the bytes of a
                // replaced string, so a record edited all day would grow all day.
                QJsonObject merged;
                if (kind != ChangeKind::Created) {
                    for (auto it = next.fields.begin(); it != next.fields.end(); ++it) {
                        if (!fields.contains(it.key()) && !hidden.contains(it.key()))
                            merged.insert(it.key(), it.value());
                    }
                }
                for (auto it = fields.begin(); it != fields.end(); ++it) {
                    if (existing)
                        applied.previous.insert(it.key(), existing->fields.value(it.key()));
                    if (!it.value().isNull())
                        merged.insert(it.key(), it.value());
                    changed.append(it.key());
                }
                next.fields = merged;
                // A sensitive field changed but is hidden from us: whatever we had is stale.
                for (const auto& name : hidden) {
                    if (!next.masked.contains(name))
                        next.masked.append(name);
                    changed.append(name);
                }
            }
            if (!writeRecord(next)) {
                m_db.rollback();
                return std::nullopt;
            }
            staged.insert(module + u'/' + id, next);
            applied.changed = true;
            applied.incomplete = !existing && kind == ChangeKind::Updated;
            applied.record = std::move(next);
        }
        result.append(applied);
    }
    if (highestSeq > before && !setLastSeq(highestSeq)) {
        m_db.rollback();
        return std::nullopt;
    }
    if (!m_db.commit())
        return std::nullopt;
    for (const auto& record : std::as_const(staged))
        remember(record);
    return result;
}

bool RecordCache::storeRecords(const QList<Record>& records)
{
    if (!m_db.beginWrite())
        return false;
    for (const auto& record : records) {
        if (!writeRecord(record)) {
            m_db.rollback();
            return false;
        }
    }
    if (!m_db.commit())
        return false;
    for (const auto& record : records)
        remember(record);
    return true;
}

bool RecordCache::clearConfirmed()
{
    if (!m_db.beginWrite())
        return false;
    if (!m_db.run(QStringLiteral("DELETE FROM records")) || !setLastSeq(0)) {
        m_db.rollback();
        return false;
    }
    if (!m_db.commit())
        return false;
    for (auto& module : m_cache)
        module.clear(); // still complete: the table is empty too
    return true;
}

std::optional<RecordCache::Record> RecordCache::record(const QString& module, const QString& id)
{
    const auto cached = m_cache.constFind(module);
    if (cached != m_cache.cend()) {
        const auto it = cached->constFind(id);
        return it != cached->cend() ? std::optional<Record>(*it) : std::nullopt;
    }
    std::optional<Record> found;
    m_db.select(QStringLiteral("SELECT module, id, CAST(fields AS BLOB), version, team_id, "
                               "owner_id, masked, "
                               "deleted FROM records WHERE module = ? AND id = ?"),
                {module, id}, [&](const QSqlQuery& query) {
                    found = recordFrom(query);
                    return false;
                });
    return found;
}

QList<RecordCache::Record> RecordCache::records(const QString& module)
{
    // Tombstones are read too: the cache must know a deleted record's version, or a late
    // event could bring it back.
    QList<Record> out;
    QHash<QString, Record> all;
    const bool ok =
        m_db.select(QStringLiteral("SELECT module, id, CAST(fields AS BLOB), version, team_id, "
                                   "owner_id, masked, "
                                   "deleted FROM records WHERE module = ? ORDER BY rowid"),
                    {module}, [&](const QSqlQuery& query) {
                        Record record = recordFrom(query);
                        if (!record.deleted)
                            out.append(record);
                        all.insert(record.id, std::move(record));
                        return true;
                    });
    if (ok)
        m_cache.insert(module, std::move(all));
    return out;
}

} // namespace crm
