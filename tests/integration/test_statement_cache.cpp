// The server's prepared-statement cache (Database::exec, StatementCache, Query) on real SQLite
// and PostgreSQL: a statement is prepared once and reused, two reads of the same text at once
// get two statements, a failure neither poisons the cache nor leaves stale binds behind, and a
// Query given back early lets SQLite's log be checkpointed.
#include "server/storage/database.h"
#include "support/testdatabases.h"

#include <catch2/catch.hpp>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

using namespace crm;

namespace {

const QString kInsert = QStringLiteral("INSERT INTO cache_probe (id, label) VALUES (?, ?)");
const QString kByLabel = QStringLiteral("SELECT id FROM cache_probe WHERE label = ? ORDER BY id");

std::unique_ptr<Database> openProbe(const QString& backend, const QTemporaryDir& dir)
{
    QString why;
    const QString target = test::databaseTarget(backend, dir.path(), &why);
    if (target.isEmpty()) {
        if (test::postgresRequired())
            FAIL(why.toStdString());
        WARN(why.toStdString());
        return nullptr;
    }
    QString error;
    auto db = Database::open(target, &error);
    REQUIRE(db);
    // DDL runs once and plainly: PostgreSQL cannot prepare it (migrations do the same).
    auto create = db->rawQuery();
    REQUIRE(create.exec(QStringLiteral("CREATE TABLE cache_probe (id INTEGER PRIMARY KEY, "
                                       "label TEXT NOT NULL)")));
    return db;
}

QList<qint64> idsLabelled(Database& db, const QString& label)
{
    QList<qint64> ids;
    auto query = db.query();
    REQUIRE(db.exec(query, kByLabel, {label}));
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

} // namespace

TEST_CASE("Statement cache: prepared once, reused with fresh binds, two at once when nested, "
          "and a failure leaves it working",
          "[server][storage]")
{
    const QString backend = GENERATE(QStringLiteral("sqlite"), QStringLiteral("postgres"));
    INFO("backend: " << backend.toStdString());
    QTemporaryDir dir;
    auto db = openProbe(backend, dir);
    if (!db)
        return;
    const int keptBefore = db->statementsKept();

    // 200 inserts of one text: one statement, and every row holds its own binds.
    for (int i = 1; i <= 200; ++i) {
        auto insert = db->query();
        REQUIRE(
            db->exec(insert, kInsert, {i, i % 2 ? QStringLiteral("odd") : QStringLiteral("even")}));
        CHECK(insert.numRowsAffected() == 1);
    }
    CHECK(db->statementsKept() == keptBefore + 1);
    CHECK(idsLabelled(*db, QStringLiteral("odd")).size() == 100);
    const auto even = idsLabelled(*db, QStringLiteral("even"));
    REQUIRE(even.size() == 100);
    CHECK(even.first() == 2);
    CHECK(even.last() == 200);

    // A read inside a read of the same text gets a statement of its own.
    auto outer = db->query();
    REQUIRE(db->exec(outer, kByLabel, {QStringLiteral("odd")}));
    int outerRows = 0;
    while (outer.next()) {
        ++outerRows;
        if (outerRows == 3)
            CHECK(idsLabelled(*db, QStringLiteral("even")).size() == 100);
    }
    CHECK(outerRows == 100);

    // A refused row (duplicate key) answers false and the statement serves the next row.
    {
        auto duplicate = db->query();
        CHECK_FALSE(db->exec(duplicate, kInsert, {1, QStringLiteral("again")}));
        CHECK_FALSE(duplicate.next());
    }
    auto next = db->query();
    CHECK(db->exec(next, kInsert, {201, QStringLiteral("odd")}));
    CHECK(idsLabelled(*db, QStringLiteral("again")).isEmpty());
    CHECK(idsLabelled(*db, QStringLiteral("odd")).size() == 101);

    // SQL that cannot be prepared is refused, and not kept.
    const int kept = db->statementsKept();
    auto broken = db->query();
    CHECK_FALSE(db->exec(broken, QStringLiteral("SELEC id FROM cache_probe")));
    CHECK_FALSE(broken.next());
    CHECK(db->statementsKept() == kept);

    // Inside a rolled-back transaction the same statements work, and nothing of it stays.
    REQUIRE(db->begin());
    auto inside = db->query();
    CHECK(db->exec(inside, kInsert, {300, QStringLiteral("rolled back")}));
    db->rollback();
    CHECK(idsLabelled(*db, QStringLiteral("rolled back")).isEmpty());
    CHECK(db->exec(inside, kInsert, {300, QStringLiteral("kept")}));
    CHECK(idsLabelled(*db, QStringLiteral("kept")) == QList<qint64>{300});
}

TEST_CASE("Statement cache: a read given back early lets SQLite's log be checkpointed",
          "[server][storage]")
{
    QTemporaryDir dir;
    auto db = openProbe(QStringLiteral("sqlite"), dir);
    REQUIRE(db);
    for (int i = 1; i <= 50; ++i) {
        auto insert = db->query();
        REQUIRE(db->exec(insert, kInsert, {i, QStringLiteral("row")}));
    }
    // Half a read, then the Query goes away: its statement is reset on its way back.
    {
        auto partial = db->query();
        REQUIRE(db->exec(partial, kByLabel, {QStringLiteral("row")}));
        REQUIRE(partial.next());
    }
    // A second connection, as the background checkpointer has, can fold the log back whole:
    // an open read would leave it busy.
    const QString name = QUuid::createUuid().toString();
    {
        auto other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        other.setDatabaseName(dir.filePath(QStringLiteral("crm.sqlite")));
        REQUIRE(other.open());
        QSqlQuery checkpoint(other);
        REQUIRE(checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        REQUIRE(checkpoint.next());
        CHECK(checkpoint.value(0).toInt() == 0); // 0: not blocked by a reader
        checkpoint.finish();
        other.close();
    }
    QSqlDatabase::removeDatabase(name);
}
