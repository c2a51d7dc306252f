#include "server/storage/query.h"

#include "server/storage/statementcache.h"

#include <utility>

namespace crm {

Query::~Query()
{
    giveBack();
}

Query::Query(Query&& other) noexcept
    : m_cache(std::exchange(other.m_cache, nullptr)), m_sql(std::move(other.m_sql)),
      m_statement(std::move(other.m_statement))
{}

Query& Query::operator=(Query&& other) noexcept
{
    if (this != &other) {
        giveBack();
        m_cache = std::exchange(other.m_cache, nullptr);
        m_sql = std::move(other.m_sql);
        m_statement = std::move(other.m_statement);
    }
    return *this;
}

bool Query::next()
{
    return m_statement && m_statement->next();
}

QVariant Query::value(int column) const
{
    return m_statement ? m_statement->value(column) : QVariant();
}

int Query::numRowsAffected() const
{
    return m_statement ? m_statement->numRowsAffected() : -1;
}

bool Query::isSelect() const
{
    return m_statement && m_statement->isSelect();
}

void Query::finish()
{
    if (m_statement)
        m_statement->finish();
}

void Query::lend(StatementCache* cache, QString sql, std::unique_ptr<QSqlQuery> statement)
{
    giveBack();
    m_cache = cache;
    m_sql = std::move(sql);
    m_statement = std::move(statement);
}

void Query::giveBack()
{
    if (m_cache && m_statement)
        m_cache->giveBack(m_sql, std::move(m_statement));
    m_statement.reset();
    m_cache = nullptr;
}

} // namespace crm
