#pragma once

#include <QString>
#include <QStringList>

namespace crm::test {

// Where storage tests run: a SQLite file in `dir`, and a fresh database on the PostgreSQL server
// that the test command starts (scripts/run-tests.sh runs ctest inside pg_virtualenv, which sets
// PGHOST, PGPORT, PGUSER and PGPASSWORD). Returns the target for `backend` ("sqlite" or
// "postgres"), or an empty string with the reason in *why when PostgreSQL is not there.
QString databaseTarget(const QString& backend, const QString& dir, QString* why);

// With CRM_REQUIRE_POSTGRES=1 (set by the test command) a missing server is a failure; in a
// developer's plain `ctest` run it is only a warning.
bool postgresRequired();

} // namespace crm::test
