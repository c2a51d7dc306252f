#pragma once

#include <functional>
#include <memory>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace crm {

class WalCheckpointer;

// The one connection to an account profile's SQLite file that every part of the LocalStore
// (RecordCache, Outbox, ProblemLog) works through: sharing it is what lets a problem move an
// entry out of the outbox in the same transaction, and lets a statement be prepared once for all
// of them. Internal to the store: nothing outside core/localstore* and its parts uses it.
//
// Failures are logged (crm.core.localstore) and answered as null / false; the caller decides
// whether to roll back. Nothing here commits on its own except a statement run outside a
// transaction (SQLite's autocommit), which is how a single-statement change commits before its
// method returns.
class StoreDatabase
{
public:
    // Null, with the reason, when the file cannot be opened. The connection is set up for the
    // profile (WAL, busy timeout, synchronous=NORMAL) and, for a file, gets a WalCheckpointer.
    static std::unique_ptr<StoreDatabase> open(const QString& path, QString* error);
    ~StoreDatabase();
    StoreDatabase(const StoreDatabase&) = delete;
    StoreDatabase& operator=(const StoreDatabase&) = delete;

    // The raw connection, for what the statement cache does not fit: migrations (statements run
    // once) and pragmas.
    QSqlDatabase& connection() { return m_db; }

    // Runs a statement from the connection's prepared-statement cache; null on failure (logged).
    QSqlQuery* run(const QString& sql, const QVariantList& binds = {});
    // Starts a write transaction (BEGIN IMMEDIATE); false when the write lock could not be had.
    bool beginWrite();
    bool commit() { return m_db.commit(); }
    void rollback() { m_db.rollback(); }
    // Runs a query and hands each row to row() until it returns false; then ends the read.
    bool select(const QString& sql, const QVariantList& binds,
                const std::function<bool(const QSqlQuery&)>& row);
    // The first column of the first row as a number; 0 when there is none or the query failed.
    int count(const QString& sql, const QVariantList& binds);

    // The profile's small named values (meta table). Here, not in LocalStore alone, because the
    // parts keep their own in it inside their transactions: the last seq (RecordCache) and the
    // next mutation id (Outbox).
    QString metaValue(const QString& key);
    bool setMetaValue(const QString& key, const QString& value);

private:
    StoreDatabase(QSqlDatabase db, QString connectionName);

    QSqlDatabase m_db;
    QHash<QString, QSqlQuery> m_statements; // SQL text -> prepared statement
    QString m_connectionName;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // none for an in-memory store
};

} // namespace crm
