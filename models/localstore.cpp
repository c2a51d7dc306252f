#include "models/localstore.h"

#include "models/modelslogging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace crm {

namespace {

const QStringList& migrations()
{
    static const QStringList steps{
        // 1: confirmed copy, outbox, failures, conflicts
        QStringLiteral(R"(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
  module TEXT NOT NULL, id TEXT NOT NULL, fields TEXT NOT NULL, version INTEGER NOT NULL,
  team_id TEXT NOT NULL DEFAULT '', owner_id TEXT NOT NULL DEFAULT '', masked TEXT NOT NULL DEFAULT '[]',
  deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (module, id));
CREATE TABLE outbox (
  mutation_id INTEGER PRIMARY KEY, module TEXT NOT NULL, record_id TEXT NOT NULL, op TEXT NOT NULL,
  base_version INTEGER, fields TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE INDEX outbox_by_record ON outbox (module, record_id, mutation_id);
CREATE TABLE failed (
  mutation_id INTEGER PRIMARY KEY, module TEXT NOT NULL, record_id TEXT NOT NULL, op TEXT NOT NULL,
  base_version INTEGER, fields TEXT NOT NULL, attempts INTEGER NOT NULL, created_at TEXT NOT NULL,
  code TEXT NOT NULL, message TEXT NOT NULL, failed_at TEXT NOT NULL);
CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, mutation_id INTEGER NOT NULL, module TEXT NOT NULL,
  record_id TEXT NOT NULL, op TEXT NOT NULL, base_version INTEGER, fields TEXT NOT NULL,
  attempts INTEGER NOT NULL, created_at TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,
  at TEXT NOT NULL);
)"),
    };
    return steps;
}

QString toText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject objectFrom(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

LocalStore::Record recordFrom(const QSqlQuery& query)
{
    LocalStore::Record r;
    r.module = query.value(0).toString();
    r.id = query.value(1).toString();
    r.fields = objectFrom(query.value(2).toString());
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

QVariant optionalVersion(std::optional<qint64> version)
{
    return version ? QVariant(*version) : QVariant();
}

// Columns 0-7 of outbox, failed and conflicts share this layout.
const QString kEntryColumns = QStringLiteral(
    "mutation_id, module, record_id, op, base_version, fields, attempts, created_at");

OutboxEntry entryFrom(const QSqlQuery& query, int first = 0)
{
    OutboxEntry entry;
    entry.mutationId = query.value(first).toLongLong();
    entry.module = query.value(first + 1).toString();
    entry.recordId = query.value(first + 2).toString();
    entry.op = query.value(first + 3).toString();
    if (!query.value(first + 4).isNull())
        entry.baseVersion = query.value(first + 4).toLongLong();
    entry.fields = objectFrom(query.value(first + 5).toString());
    entry.attempts = query.value(first + 6).toInt();
    entry.createdAt = query.value(first + 7).toString();
    return entry;
}

QVariantList entryBinds(const OutboxEntry& e)
{
    return {e.mutationId,     e.module,   e.recordId, e.op, optionalVersion(e.baseVersion),
            toText(e.fields), e.attempts, e.createdAt};
}

} // namespace

QJsonObject OutboxEntry::toMutation() const
{
    QJsonObject mutation{{QStringLiteral("module"), module},
                         {QStringLiteral("op"), op},
                         {QStringLiteral("id"), recordId},
                         {QStringLiteral("mutationId"), mutationId},
                         {QStringLiteral("fields"), fields}};
    if (baseVersion)
        mutation.insert(QStringLiteral("baseVersion"), *baseVersion);
    return mutation;
}

LocalStore::LocalStore(QSqlDatabase db, QString connectionName)
    : m_db(std::move(db)), m_connectionName(std::move(connectionName))
{}

LocalStore::~LocalStore()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<LocalStore> LocalStore::open(const QString& path, QString* error)
{
    const QString name = QUuid::createUuid().toString();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return nullptr;
    }
    std::unique_ptr<LocalStore> store(new LocalStore(db, name));
    db = QSqlDatabase(); // the store holds the only handle, so it can close the connection
    {
        QSqlQuery pragma(store->m_db);
        // FULL: the outbox is the one place an agent's offline work lives; a power cut right
        // after enqueue() returned must not lose it.
        for (const char* statement : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
            pragma.exec(QString::fromLatin1(statement));
    }
    if (!store->migrate(error))
        return nullptr;
    {
        QSqlQuery query(store->m_db);
        store->exec(query, QStringLiteral("SELECT value FROM meta WHERE key = 'client_id'"));
        if (query.next()) {
            store->m_clientId = query.value(0).toString();
        } else {
            store->m_clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
            store->exec(query,
                        QStringLiteral("INSERT INTO meta (key, value) VALUES ('client_id', ?)"),
                        {store->m_clientId});
        }
    }
    return store;
}

bool LocalStore::migrate(QString* error)
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("PRAGMA user_version"))) {
        *error = query.lastError().text();
        return false;
    }
    m_schemaVersion = query.next() ? query.value(0).toInt() : 0;
    const auto& steps = migrations();
    for (int version = m_schemaVersion + 1; version <= steps.size(); ++version) {
        m_db.transaction();
        for (const auto& statement : steps.at(version - 1).split(u';', Qt::SkipEmptyParts)) {
            if (statement.trimmed().isEmpty())
                continue;
            if (!query.exec(statement)) {
                *error = QStringLiteral("local store migration %1 failed: %2")
                             .arg(version)
                             .arg(query.lastError().text());
                m_db.rollback();
                return false;
            }
        }
        query.exec(QStringLiteral("PRAGMA user_version = %1").arg(version));
        if (!m_db.commit()) {
            *error = m_db.lastError().text();
            return false;
        }
        m_schemaVersion = version;
    }
    return true;
}

bool LocalStore::exec(QSqlQuery& query, const QString& sql, const QVariantList& binds)
{
    if (!query.prepare(sql)) {
        qCWarning(lcLocalStore) << "prepare failed:" << query.lastError().text() << sql;
        return false;
    }
    for (const auto& bind : binds)
        query.addBindValue(bind);
    if (!query.exec()) {
        qCWarning(lcLocalStore) << "query failed:" << query.lastError().text() << sql;
        return false;
    }
    return true;
}

qint64 LocalStore::lastSeq()
{
    QSqlQuery query(m_db);
    exec(query, QStringLiteral("SELECT value FROM meta WHERE key = 'last_seq'"));
    return query.next() ? query.value(0).toLongLong() : 0;
}

bool LocalStore::setLastSeq(qint64 seq)
{
    QSqlQuery query(m_db);
    return exec(query,
                QStringLiteral("INSERT INTO meta (key, value) VALUES ('last_seq', ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                {QString::number(seq)});
}

bool LocalStore::storeRecord(const Record& r)
{
    QSqlQuery query(m_db);
    return exec(
        query,
        QStringLiteral("INSERT OR REPLACE INTO records (module, id, fields, version, "
                       "team_id, owner_id, masked, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        {r.module, r.id, toText(r.fields), r.version, r.teamId, r.ownerId,
         QString::fromUtf8(
             QJsonDocument(QJsonArray::fromStringList(r.masked)).toJson(QJsonDocument::Compact)),
         r.deleted ? 1 : 0});
}

std::optional<QStringList> LocalStore::applyChange(const QJsonObject& event)
{
    auto applied = applyChanges({event});
    if (!applied)
        return std::nullopt;
    return applied->first().fields;
}

std::optional<QList<LocalStore::Applied>> LocalStore::applyChanges(const QList<QJsonObject>& events)
{
    // One transaction for the whole batch: a catch-up of thousands of changes must not pay for
    // thousands of synced commits.
    if (!m_db.transaction())
        return std::nullopt;
    QList<Applied> result;
    qint64 highestSeq = lastSeq();
    const qint64 before = highestSeq;
    for (const auto& event : events) {
        const QString module = event.value(QStringLiteral("module")).toString();
        const QString id = event.value(QStringLiteral("id")).toString();
        const QString kind = event.value(QStringLiteral("kind")).toString();
        const qint64 version = event.value(QStringLiteral("version")).toInteger();
        const QJsonObject fields = event.value(QStringLiteral("fields")).toObject();
        highestSeq = std::max(highestSeq, event.value(QStringLiteral("seq")).toInteger());
        Applied applied;
        QStringList& changed = applied.fields;
        auto existing = record(module, id);
        if (!existing || existing->version < version) {
            Record next = existing.value_or(Record{module, id, {}, 0, {}, {}, {}, false});
            next.version = version;
            next.teamId = event.value(QStringLiteral("teamId")).toString(next.teamId);
            next.ownerId = event.value(QStringLiteral("ownerId")).toString(next.ownerId);
            if (kind == QStringLiteral("deleted")) {
                next.deleted = true;
            } else {
                if (kind == QStringLiteral("created"))
                    next.fields = {};
                for (auto it = fields.begin(); it != fields.end(); ++it) {
                    if (existing)
                        applied.previous.insert(it.key(), existing->fields.value(it.key()));
                    if (it.value().isNull())
                        next.fields.remove(it.key());
                    else
                        next.fields.insert(it.key(), it.value());
                    changed.append(it.key());
                }
                // A sensitive field changed but is hidden from us: whatever we had is stale.
                for (const auto& name : event.value(QStringLiteral("masked")).toArray()) {
                    next.fields.remove(name.toString());
                    if (!next.masked.contains(name.toString()))
                        next.masked.append(name.toString());
                    changed.append(name.toString());
                }
            }
            if (!storeRecord(next)) {
                m_db.rollback();
                return std::nullopt;
            }
        }
        result.append(applied);
    }
    if (highestSeq > before && !setLastSeq(highestSeq)) {
        m_db.rollback();
        return std::nullopt;
    }
    if (!m_db.commit())
        return std::nullopt;
    return result;
}

bool LocalStore::storeRecords(const QList<Record>& records)
{
    if (!m_db.transaction())
        return false;
    for (const auto& record : records) {
        if (!storeRecord(record)) {
            m_db.rollback();
            return false;
        }
    }
    return m_db.commit();
}

bool LocalStore::clearConfirmed()
{
    QSqlQuery query(m_db);
    m_db.transaction();
    if (!exec(query, QStringLiteral("DELETE FROM records")) || !setLastSeq(0)) {
        m_db.rollback();
        return false;
    }
    return m_db.commit();
}

std::optional<LocalStore::Record> LocalStore::record(const QString& module, const QString& id)
{
    QSqlQuery query(m_db);
    if (!exec(query,
              QStringLiteral("SELECT module, id, fields, version, team_id, owner_id, masked, "
                             "deleted FROM records WHERE module = ? AND id = ?"),
              {module, id}) ||
        !query.next())
        return std::nullopt;
    return recordFrom(query);
}

QList<LocalStore::Record> LocalStore::records(const QString& module)
{
    QList<Record> out;
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!exec(
            query,
            QStringLiteral("SELECT module, id, fields, version, team_id, owner_id, masked, "
                           "deleted FROM records WHERE module = ? AND deleted = 0 ORDER BY rowid"),
            {module}))
        return out;
    while (query.next())
        out.append(recordFrom(query));
    return out;
}

std::optional<OutboxEntry> LocalStore::enqueue(const QString& module, const QString& recordId,
                                               const QString& op, std::optional<qint64> baseVersion,
                                               const QJsonObject& fields)
{
    if (!m_db.transaction())
        return std::nullopt;
    QSqlQuery query(m_db);
    exec(query, QStringLiteral("SELECT value FROM meta WHERE key = 'next_mutation_id'"));
    // Ids are never reused, not even after the outbox emptied: the server remembers the last.
    OutboxEntry entry;
    entry.mutationId = query.next() ? query.value(0).toLongLong() : 1;
    entry.module = module;
    entry.recordId = recordId;
    entry.op = op;
    entry.baseVersion = baseVersion;
    entry.fields = fields;
    entry.createdAt = now();
    QSqlQuery insert(m_db);
    QSqlQuery next(m_db);
    if (!exec(insert,
              QStringLiteral("INSERT INTO outbox (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                  .arg(kEntryColumns),
              entryBinds(entry)) ||
        !exec(next,
              QStringLiteral("INSERT INTO meta (key, value) VALUES ('next_mutation_id', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
              {QString::number(entry.mutationId + 1)}) ||
        !m_db.commit()) {
        m_db.rollback();
        return std::nullopt;
    }
    return entry;
}

QList<OutboxEntry> LocalStore::outbox()
{
    QList<OutboxEntry> entries;
    QSqlQuery query(m_db);
    if (!exec(query,
              QStringLiteral("SELECT %1 FROM outbox ORDER BY mutation_id").arg(kEntryColumns)))
        return entries;
    while (query.next())
        entries.append(entryFrom(query));
    return entries;
}

QList<OutboxEntry> LocalStore::outboxOf(const QString& module, const QString& recordId)
{
    QList<OutboxEntry> entries;
    QSqlQuery query(m_db);
    if (!exec(query,
              QStringLiteral("SELECT %1 FROM outbox WHERE module = ? AND record_id = ? ORDER BY "
                             "mutation_id")
                  .arg(kEntryColumns),
              {module, recordId}))
        return entries;
    while (query.next())
        entries.append(entryFrom(query));
    return entries;
}

int LocalStore::outboxCount()
{
    QSqlQuery query(m_db);
    return exec(query, QStringLiteral("SELECT COUNT(*) FROM outbox")) && query.next()
               ? query.value(0).toInt()
               : 0;
}

int LocalStore::failureCount()
{
    QSqlQuery query(m_db);
    return exec(query, QStringLiteral("SELECT COUNT(*) FROM failed")) && query.next()
               ? query.value(0).toInt()
               : 0;
}

int LocalStore::conflictCount()
{
    QSqlQuery query(m_db);
    return exec(query, QStringLiteral("SELECT COUNT(*) FROM conflicts")) && query.next()
               ? query.value(0).toInt()
               : 0;
}

bool LocalStore::hasFailure(const QString& module, const QString& recordId)
{
    QSqlQuery query(m_db);
    return exec(query,
                QStringLiteral("SELECT 1 FROM failed WHERE module = ? AND record_id = ? LIMIT 1"),
                {module, recordId}) &&
           query.next();
}

bool LocalStore::hasConflict(const QString& module, const QString& recordId)
{
    QSqlQuery query(m_db);
    return exec(
               query,
               QStringLiteral("SELECT 1 FROM conflicts WHERE module = ? AND record_id = ? LIMIT 1"),
               {module, recordId}) &&
           query.next();
}

bool LocalStore::noteAttempt(qint64 mutationId)
{
    QSqlQuery query(m_db);
    return exec(query,
                QStringLiteral("UPDATE outbox SET attempts = attempts + 1 WHERE mutation_id = ?"),
                {mutationId});
}

std::optional<OutboxEntry> LocalStore::takeFromOutbox(qint64 mutationId)
{
    QSqlQuery query(m_db);
    if (!exec(query,
              QStringLiteral("SELECT %1 FROM outbox WHERE mutation_id = ?").arg(kEntryColumns),
              {mutationId}) ||
        !query.next())
        return std::nullopt;
    OutboxEntry entry = entryFrom(query);
    QSqlQuery remove(m_db);
    if (!exec(remove, QStringLiteral("DELETE FROM outbox WHERE mutation_id = ?"), {mutationId}))
        return std::nullopt;
    return entry;
}

bool LocalStore::complete(qint64 mutationId)
{
    QSqlQuery query(m_db);
    return exec(query, QStringLiteral("DELETE FROM outbox WHERE mutation_id = ?"), {mutationId});
}

bool LocalStore::rebase(const QString& module, const QString& recordId, qint64 version)
{
    QSqlQuery query(m_db);
    return exec(query,
                QStringLiteral("UPDATE outbox SET base_version = ? WHERE module = ? AND "
                               "record_id = ? AND op != 'create'"),
                {version, module, recordId});
}

bool LocalStore::fail(qint64 mutationId, const QString& code, const QString& message)
{
    m_db.transaction();
    const auto entry = takeFromOutbox(mutationId);
    QSqlQuery insert(m_db);
    if (!entry ||
        !exec(insert,
              QStringLiteral("INSERT INTO failed (%1, code, message, failed_at) VALUES (?, ?, ?, "
                             "?, ?, ?, ?, ?, ?, ?, ?)")
                  .arg(kEntryColumns),
              entryBinds(*entry) + QVariantList{code, message, now()}) ||
        !m_db.commit()) {
        m_db.rollback();
        return false;
    }
    return true;
}

bool LocalStore::conflict(qint64 mutationId, const QString& kind, const QJsonObject& detail)
{
    m_db.transaction();
    const auto entry = takeFromOutbox(mutationId);
    QSqlQuery insert(m_db);
    if (!entry ||
        !exec(insert,
              QStringLiteral("INSERT INTO conflicts (%1, kind, detail, at) VALUES (?, ?, ?, ?, ?, "
                             "?, ?, ?, ?, ?, ?)")
                  .arg(kEntryColumns),
              entryBinds(*entry) + QVariantList{kind, toText(detail), now()}) ||
        !m_db.commit()) {
        m_db.rollback();
        return false;
    }
    return true;
}

QList<FailedEntry> LocalStore::failures()
{
    QList<FailedEntry> out;
    QSqlQuery query(m_db);
    if (!exec(query, QStringLiteral("SELECT %1, code, message FROM failed ORDER BY mutation_id")
                         .arg(kEntryColumns)))
        return out;
    while (query.next())
        out.append({entryFrom(query), query.value(8).toString(), query.value(9).toString()});
    return out;
}

QList<ConflictEntry> LocalStore::conflicts()
{
    QList<ConflictEntry> out;
    QSqlQuery query(m_db);
    if (!exec(query, QStringLiteral("SELECT %1, kind, detail, id FROM conflicts ORDER BY id")
                         .arg(kEntryColumns)))
        return out;
    while (query.next())
        out.append({query.value(10).toLongLong(), entryFrom(query), query.value(8).toString(),
                    objectFrom(query.value(9).toString())});
    return out;
}

bool LocalStore::discardFailure(qint64 mutationId)
{
    QSqlQuery query(m_db);
    return exec(query, QStringLiteral("DELETE FROM failed WHERE mutation_id = ?"), {mutationId}) &&
           query.numRowsAffected() == 1;
}

bool LocalStore::resolveConflict(qint64 conflictId)
{
    QSqlQuery query(m_db);
    return exec(query, QStringLiteral("DELETE FROM conflicts WHERE id = ?"), {conflictId}) &&
           query.numRowsAffected() == 1;
}

} // namespace crm
