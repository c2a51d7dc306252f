#include "support/testdatabases.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>

namespace crm::test {

bool postgresRequired()
{
    return qEnvironmentVariable("CRM_REQUIRE_POSTGRES") == QStringLiteral("1");
}

QString databaseTarget(const QString& backend, const QString& dir, QString* why)
{
    if (backend == QStringLiteral("sqlite"))
        return QDir(dir).filePath(QStringLiteral("crm.sqlite"));
    if (qEnvironmentVariableIsEmpty("PGHOST")) {
        *why = QStringLiteral("no PostgreSQL server (PGHOST unset): run the suite through "
                              "scripts/run-tests.sh, which starts one with pg_virtualenv");
        return {};
    }
    const QString name =
        QStringLiteral("crm_test_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(qEnvironmentVariable("PGHOST"));
    url.setPort(qEnvironmentVariable("PGPORT", QStringLiteral("5432")).toInt());
    url.setUserName(qEnvironmentVariable("PGUSER", QStringLiteral("postgres")));
    url.setPassword(qEnvironmentVariable("PGPASSWORD"));
    {
        // A database of its own for every test, created through the maintenance database.
        const QString connection = QUuid::createUuid().toString();
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        admin.setHostName(url.host());
        admin.setPort(url.port());
        admin.setUserName(url.userName());
        admin.setPassword(url.password());
        admin.setDatabaseName(QStringLiteral("postgres"));
        bool created = false;
        if (admin.open()) {
            QSqlQuery query(admin);
            created = query.exec(QStringLiteral("CREATE DATABASE %1").arg(name));
            if (!created)
                *why = query.lastError().text();
        } else {
            *why = admin.lastError().text();
        }
        admin.close();
        admin = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection);
        if (!created)
            return {};
    }
    url.setPath(u'/' + name);
    return url.toString();
}

} // namespace crm::test
