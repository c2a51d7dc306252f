#pragma once

#include <memory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <unordered_map>
#include <vector>

namespace crm {

// Prepared statements of one connection, kept for the next query with the same SQL.
//
// Preparing costs SQLite (or a PostgreSQL round trip) more than running a small statement
// does: about 9 us of a 13 us single-row INSERT here, and a mutation runs seven or eight of
// them. A statement is lent to one caller at a time (a query that reads rows while another of
// the same text runs gets a second statement), and comes back reset (finish(): SQLite's read
// snapshot is let go at once, as when each query was a new QSqlQuery).
// Qt 6 makes QSqlQuery move-only, so statements are handed out by owner, never copied.
class StatementCache
{
public:
    explicit StatementCache(QSqlDatabase& db) : m_db(db) {}

    // A statement prepared for `sql`: one kept from before, or newly prepared; null when it
    // cannot be prepared, with the reason in *error.
    std::unique_ptr<QSqlQuery> lend(const QString& sql, QString* error);
    // Back from its caller, reset; kept unless enough statements of that text are idle.
    void giveBack(const QString& sql, std::unique_ptr<QSqlQuery> statement);
    // Drops every idle statement (before the connection closes).
    void clear();

    int idleCount() const;

private:
    // A few per text cover nested reads; the whole cache stays small however varied the SQL.
    static constexpr size_t kIdlePerText = 4;
    static constexpr size_t kMaxTexts = 512;

    QSqlDatabase& m_db;
    std::unordered_map<QString, std::vector<std::unique_ptr<QSqlQuery>>> m_idle;
};

} // namespace crm
