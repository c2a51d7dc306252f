// ChangeFeed: what a node hands its sockets when the cluster bus repeats, loses or reorders
// changes, against a real change log (SQLite here; the cluster test runs it on PostgreSQL).
#include "server/storage/changelog.h"
#include "server/storage/database.h"
#include "server/sync/changefeed.h"

#include <catch2/catch.hpp>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace crm;

namespace {

struct Log
{
    Log()
    {
        QString error;
        db = Database::open(dir.filePath(QStringLiteral("crm.sqlite")), &error);
        REQUIRE(db);
        QSqlQuery insert = db->rawQuery();
        REQUIRE(insert.exec(QStringLiteral(
            "INSERT INTO brokerages (id, name, last_seq) VALUES ('b1', 'Harbor', 0)")));
        log = std::make_unique<ChangeLog>(*db);
    }
    // Commits one change and returns it as the committing node would announce it.
    ChangeEntry commit()
    {
        ChangeEntry e;
        e.brokerageId = QStringLiteral("b1");
        e.module = QStringLiteral("escrows");
        e.recordId = QStringLiteral("r%1").arg(++count);
        e.kind = QStringLiteral("created");
        e.userId = QStringLiteral("u1");
        e.ownerId = QStringLiteral("u1");
        e.teamId = QStringLiteral("t1");
        e.at = QStringLiteral("2026-12-02T10:00:00Z");
        REQUIRE(log->append(e));
        return e;
    }

    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<ChangeLog> log;
    int count = 0;
};

} // namespace

TEST_CASE("ChangeFeed: every change once and in seq order, whatever the bus does", "[cluster]")
{
    Log log;
    const ChangeEntry before = log.commit(); // committed before the node started: not re-sent
    QList<qint64> delivered;
    ChangeFeed feed(*log.log, [&](const ChangeEntry& c) { delivered.append(c.seq); });
    feed.start();

    SECTION("in order, and a repeat dropped")
    {
        const auto a = log.commit();
        const auto b = log.commit();
        feed.offer(a);
        feed.offer(a);
        feed.offer(b);
        feed.offer(before);
        CHECK(delivered == QList<qint64>{2, 3});
        CHECK(feed.duplicatesDropped() == 2);
    }
    SECTION("a lost message is read from the log before what follows it")
    {
        const auto a = log.commit();
        const auto b = log.commit();
        const auto c = log.commit();
        Q_UNUSED(a);
        feed.offer(c); // 2 and 3 never announced (or not yet)
        CHECK(delivered == QList<qint64>{2, 3, 4});
        feed.offer(b); // the late message changes nothing
        CHECK(delivered == QList<qint64>{2, 3, 4});
        CHECK(feed.gapsFilled() == 1);
    }
    SECTION("a change nobody announced arrives at the next catch-up (a node killed after commit)")
    {
        log.commit();
        log.commit();
        feed.catchUp();
        CHECK(delivered == QList<qint64>{2, 3});
        feed.catchUp();
        CHECK(delivered == QList<qint64>{2, 3});
    }
    SECTION("a hole the log cannot fill holds delivery back")
    {
        // A change announced whose predecessor the log does not have (yet): nothing past the
        // hole goes out.
        ChangeEntry ahead = log.commit();
        ahead.seq = 5;
        feed.offer(ahead);
        CHECK(delivered == QList<qint64>{2});
    }
}

TEST_CASE("ChangeFeed: a node that could not read the log at start begins where it first hears",
          "[cluster]")
{
    Log log;
    log.commit();
    log.commit();
    QList<qint64> delivered;
    ChangeFeed feed(*log.log, [&](const ChangeEntry& c) { delivered.append(c.seq); });
    // No start(): as when the database was away. The history is not replayed to anyone.
    const auto next = log.commit();
    feed.offer(next);
    CHECK(delivered == QList<qint64>{3});
    feed.catchUp();
    CHECK(delivered == QList<qint64>{3});
}
