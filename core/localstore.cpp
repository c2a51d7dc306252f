#include "core/localstore.h"

#include "core/storedatabase.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
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
        // 2: the notes opened here: a folded state and the updates since (unsent: not yet
        // stored by the server)
        QStringLiteral(R"(
CREATE TABLE note_states (
  module TEXT NOT NULL, record_id TEXT NOT NULL, state BLOB NOT NULL,
  PRIMARY KEY (module, record_id));
CREATE TABLE note_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, module TEXT NOT NULL, record_id TEXT NOT NULL,
  update_bytes BLOB NOT NULL, unsent INTEGER NOT NULL);
CREATE INDEX note_updates_by_note ON note_updates (module, record_id, seq);
)"),
    };
    return steps;
}

} // namespace

LocalStore::LocalStore(std::unique_ptr<StoreDatabase> db)
    : m_db(std::move(db)), m_cache(*m_db), m_outbox(*m_db), m_problems(*m_db, m_outbox),
      m_notes(*m_db)
{}

// Here, not in the header: StoreDatabase is complete only in this file.
LocalStore::~LocalStore() = default;

std::unique_ptr<LocalStore> LocalStore::open(const QString& path, QString* error)
{
    auto db = StoreDatabase::open(path, error);
    if (!db)
        return nullptr;
    std::unique_ptr<LocalStore> store(new LocalStore(std::move(db)));
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
    QSqlQuery query(m_db->connection());
    if (!query.exec(QStringLiteral("PRAGMA user_version"))) {
        *error = query.lastError().text();
        return false;
    }
    m_schemaVersion = query.next() ? query.value(0).toInt() : 0;
    const auto& steps = migrations();
    for (int version = m_schemaVersion + 1; version <= steps.size(); ++version) {
        if (!m_db->beginWrite()) {
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
                m_db->rollback();
                return false;
            }
        }
        query.exec(QStringLiteral("PRAGMA user_version = %1").arg(version));
        if (!m_db->commit()) {
            *error = m_db->connection().lastError().text();
            return false;
        }
        m_schemaVersion = version;
    }
    return true;
}

QString LocalStore::metaValue(const QString& key)
{
    return m_db->metaValue(key);
}

bool LocalStore::setMetaValue(const QString& key, const QString& value)
{
    return m_db->setMetaValue(key, value);
}

} // namespace crm
