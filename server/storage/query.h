#pragma once

#include <memory>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace crm {

class StatementCache;

// One query's use of a cached prepared statement (Database::exec fills it): read its rows as
// from a QSqlQuery; when it goes away the statement goes back to the cache, reset. Empty (no
// rows, nothing affected) until an exec succeeds or after one failed to prepare.
// A Query must not outlive the Database it came from.
class Query
{
public:
    Query() = default;
    ~Query();
    Query(Query&& other) noexcept;
    Query& operator=(Query&& other) noexcept;
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    bool next();
    QVariant value(int column) const;
    int numRowsAffected() const;
    bool isSelect() const;
    // Lets the statement's rows go now (SQLite: its read snapshot), before the Query ends.
    void finish();

private:
    friend class Database;
    void lend(StatementCache* cache, QString sql, std::unique_ptr<QSqlQuery> statement);
    void giveBack();

    StatementCache* m_cache = nullptr;
    QString m_sql;
    std::unique_ptr<QSqlQuery> m_statement;
};

} // namespace crm
