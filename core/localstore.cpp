#include "core/localstore.h"

#include "common/walcheckpointer.h"
#include "core/corelogging.h"
#include "protocol/jsontext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
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
    return json::write(object); // same text as QJsonDocument::Compact, several times faster
}

// QtSql binds a null QString as NULL; an event that leaves out a team or owner means "none".
QString notNull(const QString& text)
{
    return text.isNull() ? QStringLiteral("") : text;
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

Mutation OutboxEntry::toMutation() const
{
    Mutation mutation;
    mutation.module = module;
    mutation.op = operationFromName(op).value_or(Operation::Update);
    mutation.recordId = recordId;
    mutation.mutationId = mutationId;
    mutation.baseVersion = baseVersion;
    mutation.fields = fields;
    return mutation;
}

LocalStore::LocalStore(QSqlDatabase db, QString connectionName)
    : m_db(std::move(db)), m_connectionName(std::move(connectionName))
{}

LocalStore::~LocalStore()
{
    m_checkpointer.reset(); // its connection closes first, so ours can remove the log
    m_statements.clear();   // prepared statements go before their connection
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
        // NORMAL in WAL mode: a commit is not synced at once, so the stream of remote changes
        // never waits for the disk on the UI thread (fsync took up to 100 ms under load). A power
        // cut can only roll back the newest remote changes together with the seq they moved,
        // and the server replays them. enqueue() commits with FULL: the outbox is the one place
        // an agent's offline work lives, and its sync also makes everything before it durable.
        // The log is copied back by a WalCheckpointer off this thread; SQLite's own checkpoint
        // stays as a backstop at a size the background one never lets the log reach.
        for (const char* statement :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA mmap_size=268435456",
              "PRAGMA wal_autocheckpoint=10000"})
            pragma.exec(QString::fromLatin1(statement));
    }
    if (path != u":memory:" && !path.isEmpty())
        store->m_checkpointer = std::make_unique<WalCheckpointer>(path);
    if (!store->migrate(error))
        return nullptr;
    store->m_clientId = store->metaValue(QStringLiteral("client_id"));
    if (store->m_clientId.isEmpty()) {
        const QString clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (!store->setMetaValue(QStringLiteral("client_id"), clientId)) {
            *error = QStringLiteral("cannot write the profile's client id");
            return nullptr;
        }
        store->m_clientId = clientId;
    }
    return store;
}

std::unique_ptr<LocalStore> LocalStore::openProfile(const QString& profileDir, QString* error)
{
    if (!QDir().mkpath(profileDir)) {
        *error = QCoreApplication::translate("LocalStore", "Cannot create the profile folder %1")
                     .arg(profileDir);
        return nullptr;
    }
    QFile::setPermissions(profileDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return open(QDir(profileDir).filePath(QStringLiteral("local.sqlite")), error);
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
        if (!beginWrite()) {
            *error = QStringLiteral("cannot lock the profile to migrate it (another process holds "
                                    "it?)");
            return false;
        }
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

QSqlQuery* LocalStore::run(const QString& sql, const QVariantList& binds)
{
    // Each statement is prepared once per connection: parsing SQL was most of the cost of
    // applying a change.
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!query.prepare(sql)) {
            qCWarning(lcLocalStore) << "prepare failed:" << query.lastError().text() << sql;
            return nullptr;
        }
        it = m_statements.insert(sql, query);
    }
    QSqlQuery& query = it.value();
    query.finish(); // ends the previous run's read, should its caller have stopped early
    for (qsizetype i = 0; i < binds.size(); ++i)
        query.bindValue(static_cast<int>(i), binds.at(i));
    if (!query.exec()) {
        qCWarning(lcLocalStore) << "query failed:" << query.lastError().text() << sql;
        return nullptr;
    }
    if (!query.isSelect() && m_checkpointer)
        m_checkpointer->request();
    return &query;
}

bool LocalStore::beginWrite()
{
    // IMMEDIATE takes the write lock up front, so while another connection holds it (the
    // background checkpointer restarting the log, crm-cli on the same profile) this waits under
    // the busy timeout. A deferred transaction that has already read gets "database is locked"
    // at once instead: SQLite cannot wait for the lock while holding a read snapshot.
    return run(QStringLiteral("BEGIN IMMEDIATE")) != nullptr;
}

bool LocalStore::select(const QString& sql, const QVariantList& binds,
                        const std::function<bool(const QSqlQuery&)>& row)
{
    QSqlQuery* query = run(sql, binds);
    if (!query)
        return false;
    while (query->next()) {
        if (!row(*query))
            break;
    }
    query->finish(); // no read snapshot outlives the call
    return true;
}

QString LocalStore::metaValue(const QString& key)
{
    QString value;
    select(QStringLiteral("SELECT value FROM meta WHERE key = ?"), {key},
           [&](const QSqlQuery& query) {
               value = query.value(0).toString();
               return false;
           });
    return value;
}

bool LocalStore::setMetaValue(const QString& key, const QString& value)
{
    return run(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
               {key, value});
}

qint64 LocalStore::lastSeq()
{
    return metaValue(QStringLiteral("last_seq")).toLongLong();
}

bool LocalStore::setLastSeq(qint64 seq)
{
    return setMetaValue(QStringLiteral("last_seq"), QString::number(seq));
}

bool LocalStore::storeRecord(const Record& record)
{
    if (!writeRecord(record))
        return false;
    remember(record);
    return true;
}

void LocalStore::remember(const Record& record)
{
    auto module = m_cache.find(record.module);
    if (module != m_cache.end())
        module->insert(record.id, record);
}

bool LocalStore::writeRecord(const Record& r)
{
    static const QString kNoneMasked = QStringLiteral("[]");
    return run(
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

std::optional<QStringList> LocalStore::applyChange(const ChangeEvent& event)
{
    auto applied = applyChanges({event});
    if (!applied)
        return std::nullopt;
    return applied->first().fields;
}

std::optional<QList<LocalStore::Applied>> LocalStore::applyChanges(const QList<ChangeEvent>& events)
{
    // One transaction for the whole batch: a catch-up of thousands of changes must not pay for
    // thousands of synced commits.
    if (!beginWrite())
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

bool LocalStore::storeRecords(const QList<Record>& records)
{
    if (!beginWrite())
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

bool LocalStore::clearConfirmed()
{
    if (!beginWrite())
        return false;
    if (!run(QStringLiteral("DELETE FROM records")) || !setLastSeq(0)) {
        m_db.rollback();
        return false;
    }
    if (!m_db.commit())
        return false;
    for (auto& module : m_cache)
        module.clear(); // still complete: the table is empty too
    return true;
}

std::optional<LocalStore::Record> LocalStore::record(const QString& module, const QString& id)
{
    const auto cached = m_cache.constFind(module);
    if (cached != m_cache.cend()) {
        const auto it = cached->constFind(id);
        return it != cached->cend() ? std::optional<Record>(*it) : std::nullopt;
    }
    std::optional<Record> found;
    select(QStringLiteral("SELECT module, id, fields, version, team_id, owner_id, masked, "
                          "deleted FROM records WHERE module = ? AND id = ?"),
           {module, id}, [&](const QSqlQuery& query) {
               found = recordFrom(query);
               return false;
           });
    return found;
}

QList<LocalStore::Record> LocalStore::records(const QString& module)
{
    // Tombstones are read too: the cache must know a deleted record's version, or a late
    // event could bring it back.
    QList<Record> out;
    QHash<QString, Record> all;
    const bool ok =
        select(QStringLiteral("SELECT module, id, fields, version, team_id, owner_id, masked, "
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

std::optional<OutboxEntry> LocalStore::enqueue(const QString& module, const QString& recordId,
                                               const QString& op, std::optional<qint64> baseVersion,
                                               const QJsonObject& fields)
{
    // Synced before this returns: an edit the agent made survives a power cut (see open()).
    QSqlQuery pragma(m_db);
    pragma.exec(QStringLiteral("PRAGMA synchronous=FULL"));
    const auto relax =
        qScopeGuard([this] { QSqlQuery(m_db).exec(QStringLiteral("PRAGMA synchronous=NORMAL")); });
    if (!beginWrite())
        return std::nullopt;
    // Ids are never reused, not even after the outbox emptied: the server remembers the last.
    OutboxEntry entry;
    entry.mutationId =
        std::max<qint64>(1, metaValue(QStringLiteral("next_mutation_id")).toLongLong());
    entry.module = module;
    entry.recordId = recordId;
    entry.op = op;
    entry.baseVersion = baseVersion;
    entry.fields = fields;
    entry.createdAt = now();
    if (!run(QStringLiteral("INSERT INTO outbox (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                 .arg(kEntryColumns),
             entryBinds(entry)) ||
        !setMetaValue(QStringLiteral("next_mutation_id"), QString::number(entry.mutationId + 1)) ||
        !m_db.commit()) {
        m_db.rollback();
        return std::nullopt;
    }
    return entry;
}

QList<OutboxEntry> LocalStore::outbox(int limit)
{
    QList<OutboxEntry> entries;
    // SQLite reads LIMIT -1 as no limit.
    select(QStringLiteral("SELECT %1 FROM outbox ORDER BY mutation_id LIMIT ?").arg(kEntryColumns),
           {limit > 0 ? limit : -1}, [&](const QSqlQuery& query) {
               entries.append(entryFrom(query));
               return true;
           });
    return entries;
}

QList<OutboxEntry> LocalStore::outboxOf(const QString& module, const QString& recordId)
{
    QList<OutboxEntry> entries;
    select(QStringLiteral("SELECT %1 FROM outbox WHERE module = ? AND record_id = ? ORDER BY "
                          "mutation_id")
               .arg(kEntryColumns),
           {module, recordId}, [&](const QSqlQuery& query) {
               entries.append(entryFrom(query));
               return true;
           });
    return entries;
}

int LocalStore::outboxCount()
{
    return count(QStringLiteral("SELECT COUNT(*) FROM outbox"), {});
}

int LocalStore::failureCount()
{
    return count(QStringLiteral("SELECT COUNT(*) FROM failed"), {});
}

int LocalStore::conflictCount()
{
    return count(QStringLiteral("SELECT COUNT(*) FROM conflicts"), {});
}

int LocalStore::count(const QString& sql, const QVariantList& binds)
{
    int value = 0;
    select(sql, binds, [&](const QSqlQuery& query) {
        value = query.value(0).toInt();
        return false;
    });
    return value;
}

bool LocalStore::hasFailure(const QString& module, const QString& recordId)
{
    return count(QStringLiteral("SELECT COUNT(*) FROM failed WHERE module = ? AND record_id = ?"),
                 {module, recordId}) > 0;
}

QString LocalStore::permissionRefusal(const QString& module, const QString& recordId)
{
    QString reason;
    const QStringList codes = permissionErrorNames();
    QVariantList binds{module, recordId};
    for (const auto& code : codes)
        binds.append(code);
    select(QStringLiteral("SELECT message FROM failed WHERE module = ? AND record_id = ? AND code "
                          "IN (%1) ORDER BY failed_at DESC LIMIT 1")
               .arg(QStringList(codes.size(), QStringLiteral("?")).join(u',')),
           binds, [&](const QSqlQuery& query) {
               reason = query.value(0).toString();
               return false;
           });
    return reason;
}

bool LocalStore::hasConflict(const QString& module, const QString& recordId)
{
    return count(
               QStringLiteral("SELECT COUNT(*) FROM conflicts WHERE module = ? AND record_id = ?"),
               {module, recordId}) > 0;
}

bool LocalStore::noteAttempt(qint64 mutationId)
{
    return run(QStringLiteral("UPDATE outbox SET attempts = attempts + 1 WHERE mutation_id = ?"),
               {mutationId});
}

std::optional<OutboxEntry> LocalStore::takeFromOutbox(qint64 mutationId)
{
    std::optional<OutboxEntry> entry;
    select(QStringLiteral("SELECT %1 FROM outbox WHERE mutation_id = ?").arg(kEntryColumns),
           {mutationId}, [&](const QSqlQuery& query) {
               entry = entryFrom(query);
               return false;
           });
    if (!entry || !complete(mutationId))
        return std::nullopt;
    return entry;
}

bool LocalStore::complete(qint64 mutationId)
{
    return run(QStringLiteral("DELETE FROM outbox WHERE mutation_id = ?"), {mutationId});
}

bool LocalStore::fail(qint64 mutationId, const QString& code, const QString& message)
{
    // Without the transaction the entry would leave the outbox even if the insert failed.
    if (!beginWrite())
        return false;
    const auto entry = takeFromOutbox(mutationId);
    if (!entry ||
        !run(QStringLiteral("INSERT INTO failed (%1, code, message, failed_at) VALUES (?, ?, ?, "
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
    // Without the transaction the entry would leave the outbox even if the insert failed.
    if (!beginWrite())
        return false;
    const auto entry = takeFromOutbox(mutationId);
    if (!entry ||
        !run(QStringLiteral("INSERT INTO conflicts (%1, kind, detail, at) VALUES (?, ?, ?, ?, ?, "
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
    select(QStringLiteral("SELECT %1, code, message FROM failed ORDER BY mutation_id")
               .arg(kEntryColumns),
           {}, [&](const QSqlQuery& query) {
               out.append({entryFrom(query), query.value(8).toString(), query.value(9).toString()});
               return true;
           });
    return out;
}

QList<ConflictEntry> LocalStore::conflicts()
{
    QList<ConflictEntry> out;
    select(
        QStringLiteral("SELECT %1, kind, detail, id FROM conflicts ORDER BY id").arg(kEntryColumns),
        {}, [&](const QSqlQuery& query) {
            out.append({query.value(10).toLongLong(), entryFrom(query), query.value(8).toString(),
                        objectFrom(query.value(9).toString())});
            return true;
        });
    return out;
}

bool LocalStore::discardFailure(qint64 mutationId)
{
    const QSqlQuery* query =
        run(QStringLiteral("DELETE FROM failed WHERE mutation_id = ?"), {mutationId});
    return query && query->numRowsAffected() == 1;
}

bool LocalStore::resolveConflict(qint64 conflictId)
{
    const QSqlQuery* query =
        run(QStringLiteral("DELETE FROM conflicts WHERE id = ?"), {conflictId});
    return query && query->numRowsAffected() == 1;
}

} // namespace crm
