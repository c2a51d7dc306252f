#include "server/storage/database.h"

#include "common/walcheckpointer.h"
#include "server/storage/storagelogging.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSqlError>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

namespace crm {

namespace {

// Each step moves the schema one version on; both SQLite and PostgreSQL run the same SQL.
const QStringList& migrations()
{
    static const QStringList steps{
        // 1: organisation, auth, records, change log, exactly-once bookkeeping
        QStringLiteral(R"(
CREATE TABLE brokerages (id TEXT PRIMARY KEY, name TEXT NOT NULL, last_seq BIGINT NOT NULL DEFAULT 0);
CREATE TABLE teams (id TEXT PRIMARY KEY, brokerage_id TEXT NOT NULL REFERENCES brokerages(id), name TEXT NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY, brokerage_id TEXT NOT NULL REFERENCES brokerages(id),
  team_id TEXT REFERENCES teams(id), email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  role TEXT NOT NULL, password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL);
CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), token_hash TEXT NOT NULL UNIQUE,
  expires_at TEXT NOT NULL, revoked_at TEXT, replaced_by TEXT, created_at TEXT NOT NULL);
CREATE TABLE records (
  module TEXT NOT NULL, id TEXT NOT NULL, brokerage_id TEXT NOT NULL, team_id TEXT NOT NULL,
  owner_id TEXT NOT NULL, data TEXT NOT NULL, field_versions TEXT NOT NULL,
  version BIGINT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  PRIMARY KEY (module, id));
CREATE INDEX records_by_team ON records (brokerage_id, team_id, module);
CREATE TABLE changes (
  brokerage_id TEXT NOT NULL, seq BIGINT NOT NULL, module TEXT NOT NULL, record_id TEXT NOT NULL,
  team_id TEXT NOT NULL, owner_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL,
  version BIGINT NOT NULL, user_id TEXT NOT NULL, client_id TEXT, mutation_id BIGINT, at TEXT NOT NULL,
  PRIMARY KEY (brokerage_id, seq));
CREATE INDEX changes_by_record ON changes (module, record_id, version);
CREATE TABLE client_mutations (
  client_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, last_mutation_id BIGINT NOT NULL);
CREATE TABLE mutation_results (
  client_id TEXT NOT NULL, mutation_id BIGINT NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (client_id, mutation_id));
)"),
        // 2: AI agents (keys, attribution) and the tasks they and the server run
        QStringLiteral(R"(
ALTER TABLE changes ADD COLUMN agent TEXT;
CREATE TABLE agent_keys (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE agent_tasks (
  id TEXT PRIMARY KEY, brokerage_id TEXT NOT NULL, team_id TEXT NOT NULL, owner_id TEXT NOT NULL,
  agent TEXT, kind TEXT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL,
  progress INTEGER NOT NULL DEFAULT 0, step TEXT NOT NULL DEFAULT '',
  steps_done BIGINT NOT NULL DEFAULT 0, steps_total BIGINT NOT NULL DEFAULT 0,
  params TEXT NOT NULL, result TEXT, error TEXT, shared INTEGER NOT NULL DEFAULT 0,
  external INTEGER NOT NULL DEFAULT 0, client_id TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0,
  attempt INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, started_at TEXT,
  finished_at TEXT, updated_at TEXT NOT NULL);
CREATE INDEX agent_tasks_by_status ON agent_tasks (brokerage_id, status);
CREATE TABLE task_files (
  task_id TEXT NOT NULL REFERENCES agent_tasks(id), role TEXT NOT NULL, content TEXT NOT NULL,
  PRIMARY KEY (task_id, role));
)"),
        // 3: people's pictures for their avatars (base64, so both databases store it as text;
        // a removed picture keeps its row with no content, so versions never repeat)
        QStringLiteral(R"(
CREATE TABLE user_pictures (
  user_id TEXT PRIMARY KEY REFERENCES users(id), content_type TEXT NOT NULL,
  content TEXT NOT NULL, version BIGINT NOT NULL, updated_at TEXT NOT NULL);
)"),
        // 4: sessions end at once. A login's refresh tokens share a session id (older rows
        // become sessions of their own), which access tokens carry; access_changes tells every
        // server process sharing the database (the CLI writes it too) whose access changed.
        QStringLiteral(R"(
ALTER TABLE refresh_tokens ADD COLUMN session_id TEXT;
UPDATE refresh_tokens SET session_id = id;
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id, revoked_at);
CREATE TABLE access_changes (
  seq BIGINT PRIMARY KEY, user_id TEXT NOT NULL, session_id TEXT, kind TEXT NOT NULL,
  at TEXT NOT NULL);
)"),
        // 5: the nodes of a cluster share the task queue. A node runs a built-in task under a
        // lease it renews (lease_until, ms since the epoch); one whose lease lapsed (its node
        // died) is resumed by another. cancel_wanted is a cancel asked on another node: only
        // TaskLeases writes these columns, so the runner's progress updates never undo them.
        QStringLiteral(R"(
ALTER TABLE agent_tasks ADD COLUMN lease_node TEXT;
ALTER TABLE agent_tasks ADD COLUMN lease_until BIGINT;
ALTER TABLE agent_tasks ADD COLUMN cancel_wanted INTEGER NOT NULL DEFAULT 0;
)"),
        // 6: a record's collaborative notes (Yjs updates, base64). note_updates is the log of
        // updates as clients sent them, stored before they are acknowledged; notes holds the
        // compacted snapshot (the log up to through_seq folded into one update), the plain text
        // for search and export, and who changed it last.
        QStringLiteral(R"(
CREATE TABLE notes (
  module TEXT NOT NULL, record_id TEXT NOT NULL, brokerage_id TEXT NOT NULL,
  snapshot TEXT NOT NULL, through_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL,
  text TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  PRIMARY KEY (module, record_id));
CREATE TABLE note_updates (
  module TEXT NOT NULL, record_id TEXT NOT NULL, seq BIGINT NOT NULL, content TEXT NOT NULL,
  user_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (module, record_id, seq));
)"),
    };
    return steps;
}

} // namespace

Database::Database(QSqlDatabase db, bool postgres, QString connectionName)
    : m_db(std::move(db)), m_postgres(postgres), m_connectionName(std::move(connectionName))
{}

Database::~Database()
{
    m_checkpointer.reset(); // its connection closes first, so ours can remove the log
    m_statements.clear();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<Database> Database::open(const QString& target, QString* error,
                                         const QString& password, Failure* failure)
{
    Failure ignored = Failure::None;
    if (!failure)
        failure = &ignored;
    *failure = Failure::None;
    const QString name = QUuid::createUuid().toString();
    const bool postgres = target.startsWith(QStringLiteral("postgresql://")) ||
                          target.startsWith(QStringLiteral("postgres://"));
    QSqlDatabase db;
    if (postgres) {
        const QUrl url(target);
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(password.isEmpty() ? url.password() : password);
        db.setDatabaseName(url.path().mid(1));
        // libpq's own options (sslmode=verify-full, sslrootcert=..., connect_timeout=5) pass
        // through as QPSQL connect options.
        QStringList options;
        for (const auto& [key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
            options << key + u'=' + value;
        db.setConnectOptions(options.join(u';'));
    } else {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(target);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    }
    if (!db.open()) {
        *failure = Failure::Unreachable;
        *error = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return nullptr;
    }
    std::unique_ptr<Database> database(new Database(db, postgres, name));
    db = QSqlDatabase(); // the Database holds the only handle, so it can close the connection
    if (!postgres) {
        QSqlQuery pragma(database->m_db);
        // The log is copied back on a thread of its own (see WalCheckpointer): SQLite's own
        // checkpoint ran inside whichever commit crossed 1,000 pages and held every socket's
        // event loop for it. It stays as a backstop the background one keeps the log from.
        // A log file keeps the size of its longest run unless limited: after each restart this
        // connection cuts it back to 16 MB, so a burst (a big import) does not hold the disk.
        // Each row of a task's slice is a savepoint, whose undo copy of every page it touches
        // SQLite writes to a temporary file by default: half of an import's time went to
        // those writes (two pwrite calls per page). In memory they cost a copy.
        for (const char* statement :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
              "PRAGMA wal_autocheckpoint=10000", "PRAGMA journal_size_limit=16777216",
              "PRAGMA temp_store=MEMORY"}) {
            if (!pragma.exec(QString::fromLatin1(statement)))
                qCWarning(lcStorage) << statement << pragma.lastError().text();
        }
        if (target != u":memory:")
            database->m_checkpointer = std::make_unique<WalCheckpointer>(target);
    }
    if (!database->migrate(error, failure))
        return nullptr;
    return database;
}

int Database::knownSchemaVersion()
{
    return static_cast<int>(migrations().size());
}

bool Database::isReachable()
{
    QSqlQuery probe(m_db);
    return probe.exec(QStringLiteral("SELECT 1")) && probe.next();
}

bool Database::migrate(QString* error, Failure* failure)
{
    *failure = Failure::Migration;
    QSqlQuery query(m_db);
    // Several servers may start at once on one PostgreSQL database: one migrates while the
    // others wait, then find nothing left to do. (SQLite: BEGIN IMMEDIATE serialises the steps,
    // and the version is read again inside each.)
    constexpr qint64 kMigrationLock = 0x63726d2d6d6967; // "crm-mig"
    if (m_postgres &&
        !query.exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kMigrationLock))) {
        *error = QStringLiteral("cannot take the migration lock: %1").arg(query.lastError().text());
        return false;
    }
    const auto unlock = qScopeGuard([&] {
        if (m_postgres)
            QSqlQuery(m_db).exec(
                QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kMigrationLock));
    });
    if (!query.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"))) {
        *error = query.lastError().text();
        return false;
    }
    auto currentVersion = [&] {
        QSqlQuery read(m_db);
        read.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
        return read.next() ? read.value(0).toInt() : 0;
    };
    m_schemaVersion = currentVersion();
    const auto& steps = migrations();
    if (m_schemaVersion > steps.size()) {
        // A newer crm-server migrated it: this one would misread what it does not know.
        *failure = Failure::TooNew;
        *error = QStringLiteral("the database's schema is version %1, newer than this crm-server "
                                "knows (%2): run the newer crm-server, or restore a backup made "
                                "for this version")
                     .arg(m_schemaVersion)
                     .arg(steps.size());
        return false;
    }
    for (int version = m_schemaVersion + 1; version <= steps.size(); ++version) {
        if (!begin()) {
            *error = m_db.lastError().text();
            return false;
        }
        if (currentVersion() >= version) { // another process did this step meanwhile
            commit();
            continue;
        }
        const auto statements = steps.at(version - 1).split(u';', Qt::SkipEmptyParts);
        for (const auto& statement : statements) {
            if (statement.trimmed().isEmpty())
                continue;
            if (!query.exec(statement)) {
                *error = QStringLiteral("migration %1 failed: %2")
                             .arg(version)
                             .arg(query.lastError().text());
                rollback();
                return false;
            }
        }
        query.prepare(QStringLiteral("INSERT INTO schema_migrations (version) VALUES (?)"));
        query.addBindValue(version);
        if (!query.exec() || !commit()) {
            *error = query.lastError().text();
            rollback();
            return false;
        }
        qCInfo(lcStorage) << "schema migrated to version" << version;
    }
    m_schemaVersion = currentVersion();
    *failure = Failure::None;
    return true;
}

QSqlQuery Database::rawQuery()
{
    return QSqlQuery(m_db);
}

bool Database::exec(Query& query, const QString& sql, const QVariantList& binds)
{
    QElapsedTimer timer;
    timer.start();
    const auto observe = qScopeGuard([&] {
        if (m_queryObserver)
            m_queryObserver(static_cast<double>(timer.nsecsElapsed()) / 1e9);
    });
    query.giveBack();
    QString error;
    auto statement = m_statements.lend(sql, &error);
    if (!statement) {
        qCWarning(lcStorage) << "prepare failed:" << error << sql;
        return false;
    }
    for (qsizetype i = 0; i < binds.size(); ++i)
        statement->bindValue(static_cast<int>(i), binds.at(i));
    const bool ran = statement->exec();
    if (!ran)
        qCWarning(lcStorage) << "query failed:" << statement->lastError().text() << sql;
    else if (m_checkpointer && !statement->isSelect())
        m_checkpointer->request();
    query.lend(&m_statements, sql, std::move(statement));
    return ran;
}

bool Database::begin()
{
    // Inside a transaction a nested one is a savepoint: a task commits a slice of rows at once,
    // and each row's mutation still succeeds or rolls back on its own.
    if (m_depth > 0) {
        QSqlQuery savepoint(m_db);
        if (!savepoint.exec(QStringLiteral("SAVEPOINT nested_%1").arg(m_depth)))
            return false;
    } else if (m_postgres ? !m_db.transaction() : !beginImmediate()) {
        return false;
    }
    ++m_depth;
    return true;
}

bool Database::beginImmediate()
{
    // The write lock up front: while the checkpointer restarts the log, this waits under the
    // busy timeout, where a deferred transaction that had read first would fail at once.
    QSqlQuery begin(m_db);
    if (begin.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return true;
    qCWarning(lcStorage) << "cannot begin a transaction:" << begin.lastError().text();
    return false;
}

bool Database::commit()
{
    if (m_depth == 0)
        return false;
    --m_depth;
    if (m_depth == 0)
        return m_db.commit();
    QSqlQuery release(m_db);
    return release.exec(QStringLiteral("RELEASE SAVEPOINT nested_%1").arg(m_depth));
}

void Database::rollback()
{
    if (m_depth == 0)
        return;
    --m_depth;
    if (m_depth == 0) {
        m_db.rollback();
        return;
    }
    QSqlQuery undo(m_db);
    undo.exec(QStringLiteral("ROLLBACK TO SAVEPOINT nested_%1").arg(m_depth));
    undo.exec(QStringLiteral("RELEASE SAVEPOINT nested_%1").arg(m_depth));
}

} // namespace crm
