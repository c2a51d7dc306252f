#include "core/storedatabase.h"

#include "common/walcheckpointer.h"
#include "core/corelogging.h"

#include <QSqlError>
#include <QUuid>

namespace crm {

StoreDatabase::StoreDatabase(QSqlDatabase db, QString connectionName)
    : m_db(std::move(db)), m_connectionName(std::move(connectionName))
{}

StoreDatabase::~StoreDatabase()
{
    m_checkpointer.reset(); // its connection closes first, so ours can remove the log
    m_statements.clear();   // prepared statements go before their connection
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<StoreDatabase> StoreDatabase::open(const QString& path, QString* error)
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
    std::unique_ptr<StoreDatabase> store(new StoreDatabase(db, name));
    db = QSqlDatabase(); // the store holds the only handle, so it can close the connection
    {
        QSqlQuery pragma(store->m_db);
        // NORMAL in WAL mode: a commit is not synced at once, so the stream of remote changes
        // never waits for the disk on the UI thread (fsync took up to 100 ms under load). A power
        // cut can only roll back the newest remote changes together with the seq they moved,
        // and the server replays them. Outbox::enqueue() commits with FULL: the outbox is the one
        // place an agent's offline work lives, and its sync also makes everything before it
        // durable. The log is copied back by a WalCheckpointer off this thread; SQLite's own
        // checkpoint stays as a backstop at a size the background one never lets the log reach.
        for (const char* statement :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA mmap_size=268435456",
              "PRAGMA wal_autocheckpoint=10000"})
            pragma.exec(QString::fromLatin1(statement));
    }
    if (path != u":memory:" && !path.isEmpty())
        store->m_checkpointer = std::make_unique<WalCheckpointer>(path);
    return store;
}

QSqlQuery* StoreDatabase::run(const QString& sql, const QVariantList& binds)
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

bool StoreDatabase::beginWrite()
{
    // IMMEDIATE takes the write lock up front, so while another connection holds it (the
    // background checkpointer restarting the log, crm-cli on the same profile) this waits under
    // the busy timeout. A deferred transaction that has already read gets "database is locked"
    // at once instead: SQLite cannot wait for the lock while holding a read snapshot.
    return run(QStringLiteral("BEGIN IMMEDIATE")) != nullptr;
}

bool StoreDatabase::select(const QString& sql, const QVariantList& binds,
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

int StoreDatabase::count(const QString& sql, const QVariantList& binds)
{
    int value = 0;
    select(sql, binds, [&](const QSqlQuery& query) {
        value = query.value(0).toInt();
        return false;
    });
    return value;
}

QString StoreDatabase::metaValue(const QString& key)
{
    QString value;
    select(QStringLiteral("SELECT value FROM meta WHERE key = ?"), {key},
           [&](const QSqlQuery& query) {
               value = query.value(0).toString();
               return false;
           });
    return value;
}

bool StoreDatabase::setMetaValue(const QString& key, const QString& value)
{
    return run(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
               {key, value});
}

} // namespace crm
