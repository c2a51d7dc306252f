// The client's local store on a real SQLite file: durable outbox, confirmed copy, seq, conflicts.
#include "common/walcheckpointer.h"
#include "core/localstore.h"

#include <catch2/catch.hpp>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

using namespace crm;

namespace {

std::unique_ptr<LocalStore> openStore(const QTemporaryDir& dir)
{
    QString error;
    auto store = LocalStore::open(dir.filePath(QStringLiteral("profile.sqlite")), &error);
    INFO(error.toStdString());
    REQUIRE(store);
    return store;
}

// A change event as the server sends it, read as the engine reads it.
ChangeEvent parsed(const QJsonObject& json)
{
    auto event = ChangeEvent::fromJson(json);
    INFO(event.error().describe().toStdString());
    REQUIRE(event.ok());
    return event.value();
}

QJsonObject changeJson(const QString& kind, qint64 version, qint64 seq, const QJsonObject& fields,
                       const QJsonArray& masked = {})
{
    QJsonObject event{{QStringLiteral("module"), QStringLiteral("escrows")},
                      {QStringLiteral("id"), QStringLiteral("e1")},
                      {QStringLiteral("kind"), kind},
                      {QStringLiteral("version"), version},
                      {QStringLiteral("seq"), seq},
                      {QStringLiteral("teamId"), QStringLiteral("north")},
                      {QStringLiteral("ownerId"), QStringLiteral("ana")},
                      {QStringLiteral("fields"), fields}};
    if (!masked.isEmpty())
        event.insert(QStringLiteral("masked"), masked);
    return event;
}

ChangeEvent change(const QString& kind, qint64 version, qint64 seq, const QJsonObject& fields,
                   const QJsonArray& masked = {})
{
    return parsed(changeJson(kind, version, seq, fields, masked));
}

} // namespace

TEST_CASE("Local store: the outbox survives a reopen and mutation ids are never reused",
          "[localstore]")
{
    QTemporaryDir dir;
    QString clientId;
    qint64 first = 0;
    {
        auto store = openStore(dir);
        CHECK(store->schemaVersion() == 2);
        clientId = store->clientId();
        CHECK_FALSE(clientId.isEmpty());
        const auto a = store->outbox().enqueue(
            QStringLiteral("escrows"), QStringLiteral("e1"), Operation::Create, std::nullopt,
            {{QStringLiteral("number"), QStringLiteral("ESC-1")}});
        const auto b = store->outbox().enqueue(
            QStringLiteral("escrows"), QStringLiteral("e1"), Operation::Update, 1,
            {{QStringLiteral("status"), QStringLiteral("pending")}});
        REQUIRE(a);
        REQUIRE(b);
        first = a->mutationId;
        CHECK(b->mutationId == first + 1);
        CHECK(store->outbox().complete(a->mutationId));
        CHECK(store->outbox().complete(b->mutationId));
        // Written and committed: the next store sees it even though this one never closed cleanly.
        REQUIRE(store->outbox().enqueue(QStringLiteral("leads"), QStringLiteral("l1"),
                                        Operation::Create, std::nullopt,
                                        {{QStringLiteral("name"), QStringLiteral("Lee")}}));
    }
    auto store = openStore(dir);
    CHECK(store->clientId() == clientId);
    const auto pending = store->outbox().entries();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].module == QStringLiteral("leads"));
    CHECK(pending[0].mutationId == first + 2);
    CHECK(pending[0].toMutation().toJson().value(QStringLiteral("mutationId")).toInteger() ==
          first + 2);
    CHECK_FALSE(pending[0].toMutation().toJson().contains(QStringLiteral("baseVersion")));
    const auto next = store->outbox().enqueue(QStringLiteral("leads"), QStringLiteral("l1"),
                                              Operation::Update, 1, {});
    CHECK(next->mutationId == first + 3);
}

TEST_CASE("Local store: changes apply by version, repeats are harmless, seq advances with them",
          "[localstore]")
{
    QTemporaryDir dir;
    auto store = openStore(dir);
    auto changed =
        store->cache().applyChange(change(QStringLiteral("created"), 1, 10,
                                          {{QStringLiteral("number"), QStringLiteral("ESC-1")},
                                           {QStringLiteral("status"), QStringLiteral("open")}},
                                          {QStringLiteral("myCommission")}));
    REQUIRE(changed);
    CHECK(store->cache().lastSeq() == 10);
    auto record = store->cache().record(QStringLiteral("escrows"), QStringLiteral("e1"));
    REQUIRE(record);
    CHECK(record->version == 1);
    CHECK(record->masked == QStringList{QStringLiteral("myCommission")});

    changed = store->cache().applyChange(change(
        QStringLiteral("updated"), 2, 11, {{QStringLiteral("status"), QStringLiteral("pending")}}));
    CHECK(*changed == QStringList{QStringLiteral("status")});
    // The same event again (replay overlapping live) changes nothing.
    changed = store->cache().applyChange(change(
        QStringLiteral("updated"), 2, 11, {{QStringLiteral("status"), QStringLiteral("pending")}}));
    CHECK(changed->isEmpty());
    // An older version arriving late does not roll the record back.
    changed = store->cache().applyChange(change(
        QStringLiteral("updated"), 1, 9, {{QStringLiteral("status"), QStringLiteral("open")}}));
    CHECK(changed->isEmpty());
    CHECK(store->cache()
              .record(QStringLiteral("escrows"), QStringLiteral("e1"))
              ->fields.value(QStringLiteral("status")) == QStringLiteral("pending"));
    CHECK(store->cache().lastSeq() == 11);

    store->cache().applyChange(
        change(QStringLiteral("updated"), 3, 12, {{QStringLiteral("status"), QJsonValue::Null}}));
    CHECK_FALSE(store->cache()
                    .record(QStringLiteral("escrows"), QStringLiteral("e1"))
                    ->fields.contains(QStringLiteral("status")));
    store->cache().applyChange(change(QStringLiteral("deleted"), 4, 13, {}));
    CHECK(store->cache().record(QStringLiteral("escrows"), QStringLiteral("e1"))->deleted);
    CHECK(store->cache().records(QStringLiteral("escrows")).isEmpty());

    // Re-bootstrap forgets the confirmed copy but never the outbox.
    REQUIRE(store->outbox().enqueue(QStringLiteral("escrows"), QStringLiteral("e2"),
                                    Operation::Create, std::nullopt, {}));
    CHECK(store->cache().clearConfirmed());
    CHECK(store->cache().lastSeq() == 0);
    CHECK_FALSE(store->cache().record(QStringLiteral("escrows"), QStringLiteral("e1")));
    CHECK(store->outbox().entries().size() == 1);
}

TEST_CASE("Local store: edits keep their base, failures and conflicts leave the outbox",
          "[localstore]")
{
    QTemporaryDir dir;
    auto store = openStore(dir);
    const auto create = store->outbox().enqueue(
        QStringLiteral("escrows"), QStringLiteral("e1"), Operation::Create, std::nullopt,
        {{QStringLiteral("number"), QStringLiteral("ESC-1")}});
    const auto edit1 =
        store->outbox().enqueue(QStringLiteral("escrows"), QStringLiteral("e1"), Operation::Update,
                                1, {{QStringLiteral("status"), QStringLiteral("pending")}});
    const auto edit2 =
        store->outbox().enqueue(QStringLiteral("escrows"), QStringLiteral("e1"), Operation::Update,
                                1, {{QStringLiteral("purchasePrice"), 5}});
    const auto other = store->outbox().enqueue(QStringLiteral("escrows"), QStringLiteral("e9"),
                                               Operation::Update, 7, {});

    // The first edit came back as version 2: later edits of e1 keep the version the agent saw
    // (the server tells this client's own changes from others'), and the head of the outbox
    // can be read alone.
    CHECK(store->outbox().complete(edit1->mutationId));
    const auto pending = store->outbox().entries();
    REQUIRE(pending.size() == 3);
    CHECK_FALSE(pending[0].baseVersion.has_value()); // the create has none
    CHECK(pending[1].baseVersion == 1);
    CHECK(pending[2].baseVersion == 7);
    const auto head = store->outbox().entries(2);
    REQUIRE(head.size() == 2);
    CHECK(head[1].mutationId == edit2->mutationId);

    CHECK(store->problems().fail(edit2->mutationId, QStringLiteral("out_of_range"),
                                 QStringLiteral("too cheap")));
    CHECK(store->problems().conflict(
        other->mutationId, ConflictKind::Fields,
        {{QStringLiteral("conflicts"),
          QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("status")}}}}}));
    CHECK(store->outbox().entries().size() == 1);
    CHECK(store->outbox().entries()[0].mutationId == create->mutationId);

    const auto failures = store->problems().failures();
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].code == QStringLiteral("out_of_range"));
    CHECK(failures[0].entry.fields.value(QStringLiteral("purchasePrice")).toInt() == 5);
    const auto conflicts = store->problems().conflicts();
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].kind == ConflictKind::Fields);
    CHECK(conflicts[0].entry.recordId == QStringLiteral("e9"));

    CHECK(store->problems().discardFailure(edit2->mutationId));
    CHECK_FALSE(store->problems().discardFailure(edit2->mutationId));
    CHECK(store->problems().resolveConflict(conflicts[0].id));
    CHECK(store->problems().failures().isEmpty());
    CHECK(store->problems().conflicts().isEmpty());
    CHECK_FALSE(store->problems().fail(424242, QStringLiteral("x"), QStringLiteral("unknown id")));
}

TEST_CASE("Local store: a row with an operation or conflict kind this build does not know is "
          "skipped, kept, and blocks nothing else",
          "[localstore]")
{
    QTemporaryDir dir;
    qint64 known = 0;
    {
        auto store = openStore(dir);
        const auto entry = store->outbox().enqueue(QStringLiteral("leads"), QStringLiteral("l1"),
                                                   Operation::Update, 1, {});
        REQUIRE(entry);
        known = entry->mutationId;
    }
    // As a newer version of the app might have left them in the profile.
    const QString name = QStringLiteral("newer-app");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dir.filePath(QStringLiteral("profile.sqlite")));
        REQUIRE(db.open());
        QSqlQuery query(db);
        const QString columns = QStringLiteral(
            "mutation_id, module, record_id, op, base_version, fields, attempts, created_at");
        REQUIRE(query.exec(QStringLiteral("INSERT INTO outbox (%1) VALUES (90, 'leads', 'l2', "
                                          "'archive', 1, '{}', 0, '')")
                               .arg(columns)));
        REQUIRE(query.exec(QStringLiteral("INSERT INTO failed (%1, code, message, failed_at) "
                                          "VALUES (91, 'leads', 'l3', 'archive', 1, '{}', 1, '', "
                                          "'forbidden', 'no', '')")
                               .arg(columns)));
        REQUIRE(query.exec(QStringLiteral("INSERT INTO conflicts (%1, kind, detail, at) VALUES "
                                          "(92, 'leads', 'l4', 'update', 1, '{}', 1, '', "
                                          "'moved', '{}', '')")
                               .arg(columns)));
        REQUIRE(query.exec(QStringLiteral("INSERT INTO conflicts (%1, kind, detail, at) VALUES "
                                          "(93, 'leads', 'l5', 'archive', 1, '{}', 1, '', "
                                          "'fields', '{}', '')")
                               .arg(columns)));
    }
    QSqlDatabase::removeDatabase(name);

    auto store = openStore(dir);
    const auto pending = store->outbox().entries();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].mutationId == known);
    CHECK(pending[0].op == Operation::Update);
    CHECK(pending[0].toMutation().op == Operation::Update);
    CHECK(store->outbox().entriesOf(QStringLiteral("leads"), QStringLiteral("l2")).isEmpty());
    CHECK(store->problems().failures().isEmpty());
    CHECK(store->problems().conflicts().isEmpty());
    // Not taken out of the outbox: a failure cannot file what could not be read.
    CHECK_FALSE(store->problems().fail(90, QStringLiteral("x"), QStringLiteral("y")));
    // Still there, and still counted: nothing was lost.
    CHECK(store->outbox().count() == 2);
    CHECK(store->problems().failureCount() == 1);
    CHECK(store->problems().conflictCount() == 2);
    // The edits this build can read go on as usual.
    CHECK(store->outbox().complete(known));
    CHECK(store->outbox().entries().isEmpty());
}

TEST_CASE("Local store: a file that is not a database is a clear error", "[localstore]")
{
    QTemporaryDir dir;
    QFile junk(dir.filePath(QStringLiteral("profile.sqlite")));
    REQUIRE(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    QString error;
    CHECK_FALSE(LocalStore::open(junk.fileName(), &error));
    CHECK_FALSE(error.isEmpty());
}

TEST_CASE("Local store: the in-memory copy of a listed module agrees with the file", "[localstore]")
{
    QTemporaryDir dir;
    auto store = openStore(dir);
    store->cache().applyChange(change(QStringLiteral("created"), 1, 10,
                                      {{QStringLiteral("number"), QStringLiteral("ESC-1")}}));
    CHECK(store->cache().records(QStringLiteral("escrows")).size() ==
          1); // from now on kept in memory

    // Two events for one record in one batch: the second builds on the first.
    auto second = change(QStringLiteral("updated"), 3, 12,
                         {{QStringLiteral("status"), QStringLiteral("closing")}});
    const auto applied = store->cache().applyChanges(
        {change(QStringLiteral("updated"), 2, 11,
                {{QStringLiteral("status"), QStringLiteral("pending")}}),
         second});
    REQUIRE(applied);
    CHECK(applied->at(1).previous.value(QStringLiteral("status")) == QStringLiteral("pending"));
    CHECK(applied->at(1).record.fields.value(QStringLiteral("number")) == QStringLiteral("ESC-1"));

    // An event that names no team or owner is stored (as "none"), not refused by the schema.
    QJsonObject bare{{QStringLiteral("module"), QStringLiteral("escrows")},
                     {QStringLiteral("id"), QStringLiteral("e2")},
                     {QStringLiteral("kind"), QStringLiteral("created")},
                     {QStringLiteral("version"), 1},
                     {QStringLiteral("seq"), 13},
                     {QStringLiteral("fields"), QJsonObject{{QStringLiteral("number"), 2}}}};
    REQUIRE(store->cache().applyChange(parsed(bare)));

    // A tombstone is remembered: a late, older event does not bring the record back.
    store->cache().applyChange(change(QStringLiteral("deleted"), 4, 14, {}));
    CHECK(store->cache()
              .applyChange(change(QStringLiteral("updated"), 3, 12,
                                  {{QStringLiteral("status"), QStringLiteral("open")}}))
              ->isEmpty());
    CHECK(store->cache().record(QStringLiteral("escrows"), QStringLiteral("e1"))->deleted);

    const auto inMemory = store->cache().record(QStringLiteral("escrows"), QStringLiteral("e2"));
    store.reset();
    auto reopened = openStore(dir); // nothing listed yet: reads come from the file
    const auto onDisk = reopened->cache().record(QStringLiteral("escrows"), QStringLiteral("e2"));
    REQUIRE(inMemory);
    REQUIRE(onDisk);
    CHECK(onDisk->fields == inMemory->fields);
    CHECK(onDisk->version == inMemory->version);
    CHECK(onDisk->teamId.isEmpty());
    CHECK(reopened->cache().record(QStringLiteral("escrows"), QStringLiteral("e1"))->deleted);
    CHECK(reopened->cache().lastSeq() == 14);
}

namespace {

qint64 fileSize(const QString& path)
{
    return QFileInfo(path).size();
}

// Waits (without an event loop: the checkpointer has its own) until done() or 10 s passed.
template <typename Done> bool waitFor(Done done)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < 10000)
        QThread::msleep(5);
    return done();
}

} // namespace

TEST_CASE("WAL checkpointer: the log is copied into the database off the writer's thread, "
          "requests coalesce",
          "[localstore][checkpoint]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("wal.sqlite"));
    const QString name = QStringLiteral("checkpoint-test-writer");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        REQUIRE(db.open());
        QSqlQuery query(db);
        REQUIRE(query.exec(QStringLiteral("PRAGMA journal_mode=WAL")));
        REQUIRE(query.exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"))); // only ours runs
        REQUIRE(query.exec(QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")));
        for (int i = 0; i < 2000; ++i) {
            REQUIRE(query.exec(
                QStringLiteral("INSERT INTO t (v) VALUES ('%1')").arg(QString(200, u'x'))));
        }
        const qint64 before = fileSize(path);
        CHECK(fileSize(path + QStringLiteral("-wal")) > 400'000); // the rows are in the log

        WalCheckpointer checkpointer(path, 500); // long enough that the burst below is one
        for (int i = 0; i < 100; ++i)            // a burst of commits asks a hundred times
            checkpointer.request();
        REQUIRE(waitFor([&] { return checkpointer.completed() >= 1; }));
        QThread::msleep(150);
        CHECK(checkpointer.completed() == 1);     // ... and gets one checkpoint
        CHECK(fileSize(path) > before + 400'000); // the rows moved into the database file

        // Writes go on while checkpoints run; each later burst gets its own.
        for (int burst = 0; burst < 3; ++burst) {
            REQUIRE(query.exec(QStringLiteral("INSERT INTO t (v) VALUES ('later')")));
            checkpointer.request();
            const int target = 2 + burst;
            REQUIRE(waitFor([&] { return checkpointer.completed() >= target; }));
        }
        REQUIRE(query.exec(QStringLiteral("SELECT count(*) FROM t")));
        REQUIRE(query.next());
        CHECK(query.value(0).toInt() == 2003);
    }
    QSqlDatabase::removeDatabase(name);
}

TEST_CASE("WAL checkpointer: a database it cannot open is reported and nothing else happens",
          "[localstore][checkpoint]")
{
    QTemporaryDir dir;
    auto checkpointer = std::make_unique<WalCheckpointer>(
        dir.filePath(QStringLiteral("no/such/folder/x.sqlite")), 10);
    checkpointer->request();
    QThread::msleep(100);
    checkpointer->request(); // after the failure: still harmless
    QThread::msleep(50);
    CHECK(checkpointer->completed() == 0);
    checkpointer.reset(); // stops its thread without hanging
    CHECK_FALSE(QFileInfo::exists(dir.filePath(QStringLiteral("no"))));
}

TEST_CASE("Local store: a long stream of remote changes keeps the log bounded and reopens intact",
          "[localstore][checkpoint]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profile.sqlite"));
    const int total = 4000;
    {
        auto store = openStore(dir);
        for (int i = 1; i <= total; ++i) {
            QJsonObject event =
                changeJson(i == 1 ? QStringLiteral("created") : QStringLiteral("updated"), i, i,
                           {{QStringLiteral("notes"), QString(500, u'n')},
                            {QStringLiteral("purchasePrice"), i}});
            event.insert(QStringLiteral("id"), QStringLiteral("e%1").arg(i % 50));
            event.insert(QStringLiteral("version"), i / 50 + 1);
            REQUIRE(store->cache().applyChange(parsed(event)));
            if (i % 100 == 0)
                QThread::msleep(10); // a live stream, not one burst
        }
        // About 8,000 pages (32 MB) were committed, under SQLite's own threshold (10,000): a
        // log well below that means the background checkpoints restarted it.
        INFO("log " << fileSize(path + QStringLiteral("-wal")) << " bytes");
        CHECK(fileSize(path + QStringLiteral("-wal")) < 24 * 1024 * 1024);
        CHECK(store->cache().lastSeq() == total);
    }
    CHECK_FALSE(QFileInfo::exists(path + QStringLiteral("-wal"))); // closed cleanly
    auto reopened = openStore(dir);
    CHECK(reopened->cache().lastSeq() == total);
    CHECK(reopened->cache().records(QStringLiteral("escrows")).size() == 50);
}
