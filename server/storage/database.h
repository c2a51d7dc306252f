#pragma once

#include "server/storage/query.h"
#include "server/storage/statementcache.h"

#include <functional>
#include <memory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace crm {

class WalCheckpointer;

// The server's one connection: SQLite (WAL) in the data folder by default, PostgreSQL when
// given a postgresql:// URL. Runs the schema migrations on open. The server is single-threaded,
// so one connection serialises every write; transactions keep seq, change log, record and
// mutation bookkeeping together.
class Database
{
public:
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Why open() failed, for the caller's exit status.
    enum class Failure
    {
        None,
        Unreachable, // the file or server cannot be opened
        TooNew,      // its schema is newer than this binary knows: refused, nothing touched
        Migration,   // a migration step failed (rolled back)
    };

    // target: a file path for SQLite, or postgresql://user@host:port/db; the URL's query items
    // go to libpq as they are (sslmode, connect_timeout, ...), and with no password (in the
    // URL or `password`) libpq looks in PGPASSFILE / ~/.pgpass.
    // Null, with the reason in *error (and *failure), when it cannot be opened or migrated.
    static std::unique_ptr<Database> open(const QString& target, QString* error,
                                          const QString& password = {}, Failure* failure = nullptr);
    // The newest schema version this binary knows.
    static int knownSchemaVersion();
    // Whether the database answers a query now (GET /api/ready).
    bool isReachable();

    bool isPostgres() const { return m_postgres; }
    QSqlDatabase& connection() { return m_db; }
    int schemaVersion() const { return m_schemaVersion; }

    // Runs a statement with positional binds, prepared once per connection (StatementCache);
    // `query` then reads its rows. Logs and returns false on failure.
    bool exec(Query& query, const QString& sql, const QVariantList& binds = {});
    // Hears each exec()'s time in seconds (/metrics).
    void setQueryObserver(std::function<void(double seconds)> observer)
    {
        m_queryObserver = std::move(observer);
    }
    Query query() { return {}; }
    // Prepared statements kept for reuse now (tests; the cache's own bounds keep it small).
    int statementsKept() const { return m_statements.idleCount(); }
    // A plain statement on this connection, for SQL run once (maintenance, backups).
    QSqlQuery rawQuery();

    // Transactions nest: an inner one is a savepoint of the outer.
    bool begin();
    bool commit();
    void rollback();

private:
    Database(QSqlDatabase db, bool postgres, QString connectionName);
    bool migrate(QString* error, Failure* failure);
    bool beginImmediate();

    QSqlDatabase m_db;
    bool m_postgres = false;
    QString m_connectionName;
    int m_schemaVersion = 0;
    int m_depth = 0; // open transactions, outermost included
    std::function<void(double)> m_queryObserver;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // SQLite files only
    StatementCache m_statements{m_db};
};

// Rolls back unless committed: every early return inside a transaction stays safe.
class Transaction
{
public:
    explicit Transaction(Database& db) : m_db(db), m_open(db.begin()) {}
    ~Transaction()
    {
        if (m_open)
            m_db.rollback();
    }
    bool isOpen() const { return m_open; }
    bool commit()
    {
        m_open = false;
        return m_db.commit();
    }

private:
    Database& m_db;
    bool m_open;
};

} // namespace crm
