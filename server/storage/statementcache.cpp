#include "server/storage/statementcache.h"

#include <QSqlError>

namespace crm {

std::unique_ptr<QSqlQuery> StatementCache::lend(const QString& sql, QString* error)
{
    const auto idle = m_idle.find(sql);
    if (idle != m_idle.end() && !idle->second.empty()) {
        auto statement = std::move(idle->second.back());
        idle->second.pop_back();
        return statement;
    }
    auto statement = std::make_unique<QSqlQuery>(m_db);
    // Rows are read once, front to back: SQLite's driver need not keep a copy of each for
    // seeking. Not PostgreSQL's: there a forward-only query reads its rows from the connection
    // as it goes, and the next query on the connection would cut a read in progress short.
    statement->setForwardOnly(m_db.driverName() == QStringLiteral("QSQLITE"));
    if (!statement->prepare(sql)) {
        *error = statement->lastError().text();
        return nullptr;
    }
    return statement;
}

void StatementCache::giveBack(const QString& sql, std::unique_ptr<QSqlQuery> statement)
{
    if (!statement)
        return;
    statement->finish();
    if (m_idle.size() >= kMaxTexts && !m_idle.contains(sql))
        m_idle.clear(); // SQL built from many fragments: start over rather than grow
    auto& idle = m_idle[sql];
    if (idle.size() < kIdlePerText)
        idle.push_back(std::move(statement));
}

void StatementCache::clear()
{
    m_idle.clear();
}

int StatementCache::idleCount() const
{
    size_t count = 0;
    for (const auto& [sql, statements] : m_idle)
        count += statements.size();
    return static_cast<int>(count);
}

} // namespace crm
