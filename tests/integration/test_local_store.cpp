// The client's local store on a real SQLite file: durable outbox, confirmed copy, seq, conflicts.
#include "models/localstore.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QTemporaryDir>

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

QJsonObject change(const QString& kind, qint64 version, qint64 seq, const QJsonObject& fields,
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

} // namespace

TEST_CASE("Local store: the outbox survives a reopen and mutation ids are never reused",
          "[localstore]")
{
    QTemporaryDir dir;
    QString clientId;
    qint64 first = 0;
    {
        auto store = openStore(dir);
        CHECK(store->schemaVersion() == 1);
        clientId = store->clientId();
        CHECK_FALSE(clientId.isEmpty());
        const auto a = store->enqueue(QStringLiteral("escrows"), QStringLiteral("e1"),
                                      QStringLiteral("create"), std::nullopt,
                                      {{QStringLiteral("number"), QStringLiteral("ESC-1")}});
        const auto b = store->enqueue(QStringLiteral("escrows"), QStringLiteral("e1"),
                                      QStringLiteral("update"), 1,
                                      {{QStringLiteral("status"), QStringLiteral("pending")}});
        REQUIRE(a);
        REQUIRE(b);
        first = a->mutationId;
        CHECK(b->mutationId == first + 1);
        CHECK(store->complete(a->mutationId));
        CHECK(store->complete(b->mutationId));
        // Written and committed: the next store sees it even though this one never closed cleanly.
        REQUIRE(store->enqueue(QStringLiteral("leads"), QStringLiteral("l1"),
                               QStringLiteral("create"), std::nullopt,
                               {{QStringLiteral("name"), QStringLiteral("Lee")}}));
    }
    auto store = openStore(dir);
    CHECK(store->clientId() == clientId);
    const auto pending = store->outbox();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].module == QStringLiteral("leads"));
    CHECK(pending[0].mutationId == first + 2);
    CHECK(pending[0].toMutation().value(QStringLiteral("mutationId")).toInteger() == first + 2);
    CHECK_FALSE(pending[0].toMutation().contains(QStringLiteral("baseVersion")));
    const auto next = store->enqueue(QStringLiteral("leads"), QStringLiteral("l1"),
                                     QStringLiteral("update"), 1, {});
    CHECK(next->mutationId == first + 3);
}

TEST_CASE("Local store: changes apply by version, repeats are harmless, seq advances with them",
          "[localstore]")
{
    QTemporaryDir dir;
    auto store = openStore(dir);
    auto changed = store->applyChange(change(QStringLiteral("created"), 1, 10,
                                             {{QStringLiteral("number"), QStringLiteral("ESC-1")},
                                              {QStringLiteral("status"), QStringLiteral("open")}},
                                             {QStringLiteral("myCommission")}));
    REQUIRE(changed);
    CHECK(store->lastSeq() == 10);
    auto record = store->record(QStringLiteral("escrows"), QStringLiteral("e1"));
    REQUIRE(record);
    CHECK(record->version == 1);
    CHECK(record->masked == QStringList{QStringLiteral("myCommission")});

    changed = store->applyChange(change(QStringLiteral("updated"), 2, 11,
                                        {{QStringLiteral("status"), QStringLiteral("pending")}}));
    CHECK(*changed == QStringList{QStringLiteral("status")});
    // The same event again (replay overlapping live) changes nothing.
    changed = store->applyChange(change(QStringLiteral("updated"), 2, 11,
                                        {{QStringLiteral("status"), QStringLiteral("pending")}}));
    CHECK(changed->isEmpty());
    // An older version arriving late does not roll the record back.
    changed = store->applyChange(change(QStringLiteral("updated"), 1, 9,
                                        {{QStringLiteral("status"), QStringLiteral("open")}}));
    CHECK(changed->isEmpty());
    CHECK(store->record(QStringLiteral("escrows"), QStringLiteral("e1"))
              ->fields.value(QStringLiteral("status")) == QStringLiteral("pending"));
    CHECK(store->lastSeq() == 11);

    store->applyChange(
        change(QStringLiteral("updated"), 3, 12, {{QStringLiteral("status"), QJsonValue::Null}}));
    CHECK_FALSE(store->record(QStringLiteral("escrows"), QStringLiteral("e1"))
                    ->fields.contains(QStringLiteral("status")));
    store->applyChange(change(QStringLiteral("deleted"), 4, 13, {}));
    CHECK(store->record(QStringLiteral("escrows"), QStringLiteral("e1"))->deleted);
    CHECK(store->records(QStringLiteral("escrows")).isEmpty());

    // Re-bootstrap forgets the confirmed copy but never the outbox.
    REQUIRE(store->enqueue(QStringLiteral("escrows"), QStringLiteral("e2"),
                           QStringLiteral("create"), std::nullopt, {}));
    CHECK(store->clearConfirmed());
    CHECK(store->lastSeq() == 0);
    CHECK_FALSE(store->record(QStringLiteral("escrows"), QStringLiteral("e1")));
    CHECK(store->outbox().size() == 1);
}

TEST_CASE("Local store: rebase, failures and conflicts leave the outbox and are kept",
          "[localstore]")
{
    QTemporaryDir dir;
    auto store = openStore(dir);
    const auto create =
        store->enqueue(QStringLiteral("escrows"), QStringLiteral("e1"), QStringLiteral("create"),
                       std::nullopt, {{QStringLiteral("number"), QStringLiteral("ESC-1")}});
    const auto edit1 =
        store->enqueue(QStringLiteral("escrows"), QStringLiteral("e1"), QStringLiteral("update"), 1,
                       {{QStringLiteral("status"), QStringLiteral("pending")}});
    const auto edit2 =
        store->enqueue(QStringLiteral("escrows"), QStringLiteral("e1"), QStringLiteral("update"), 1,
                       {{QStringLiteral("purchasePrice"), 5}});
    const auto other = store->enqueue(QStringLiteral("escrows"), QStringLiteral("e9"),
                                      QStringLiteral("update"), 7, {});

    // The first edit came back as version 2: later edits of e1 build on it, e9 is untouched.
    CHECK(store->complete(edit1->mutationId));
    CHECK(store->rebase(QStringLiteral("escrows"), QStringLiteral("e1"), 2));
    const auto pending = store->outbox();
    REQUIRE(pending.size() == 3);
    CHECK_FALSE(pending[0].baseVersion.has_value()); // the create keeps none
    CHECK(pending[1].baseVersion == 2);
    CHECK(pending[2].baseVersion == 7);

    CHECK(store->fail(edit2->mutationId, QStringLiteral("out_of_range"),
                      QStringLiteral("too cheap")));
    CHECK(store->conflict(
        other->mutationId, QStringLiteral("fields"),
        {{QStringLiteral("conflicts"),
          QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("status")}}}}}));
    CHECK(store->outbox().size() == 1);
    CHECK(store->outbox()[0].mutationId == create->mutationId);

    const auto failures = store->failures();
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].code == QStringLiteral("out_of_range"));
    CHECK(failures[0].entry.fields.value(QStringLiteral("purchasePrice")).toInt() == 5);
    const auto conflicts = store->conflicts();
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].kind == QStringLiteral("fields"));
    CHECK(conflicts[0].entry.recordId == QStringLiteral("e9"));

    CHECK(store->discardFailure(edit2->mutationId));
    CHECK_FALSE(store->discardFailure(edit2->mutationId));
    CHECK(store->resolveConflict(conflicts[0].id));
    CHECK(store->failures().isEmpty());
    CHECK(store->conflicts().isEmpty());
    CHECK_FALSE(store->fail(424242, QStringLiteral("x"), QStringLiteral("unknown id")));
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
    store->applyChange(change(QStringLiteral("created"), 1, 10,
                              {{QStringLiteral("number"), QStringLiteral("ESC-1")}}));
    CHECK(store->records(QStringLiteral("escrows")).size() == 1); // from now on kept in memory

    // Two events for one record in one batch: the second builds on the first.
    auto second = change(QStringLiteral("updated"), 3, 12,
                         {{QStringLiteral("status"), QStringLiteral("closing")}});
    const auto applied =
        store->applyChanges({change(QStringLiteral("updated"), 2, 11,
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
    REQUIRE(store->applyChange(bare));

    // A tombstone is remembered: a late, older event does not bring the record back.
    store->applyChange(change(QStringLiteral("deleted"), 4, 14, {}));
    CHECK(store
              ->applyChange(change(QStringLiteral("updated"), 3, 12,
                                   {{QStringLiteral("status"), QStringLiteral("open")}}))
              ->isEmpty());
    CHECK(store->record(QStringLiteral("escrows"), QStringLiteral("e1"))->deleted);

    const auto inMemory = store->record(QStringLiteral("escrows"), QStringLiteral("e2"));
    store.reset();
    auto reopened = openStore(dir); // nothing listed yet: reads come from the file
    const auto onDisk = reopened->record(QStringLiteral("escrows"), QStringLiteral("e2"));
    REQUIRE(inMemory);
    REQUIRE(onDisk);
    CHECK(onDisk->fields == inMemory->fields);
    CHECK(onDisk->version == inMemory->version);
    CHECK(onDisk->teamId.isEmpty());
    CHECK(reopened->record(QStringLiteral("escrows"), QStringLiteral("e1"))->deleted);
    CHECK(reopened->lastSeq() == 14);
}
