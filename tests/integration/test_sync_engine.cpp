// The client's SyncEngine with a real LocalStore against an in-process crm-server.
#include "models/conflictmodel.h"
#include "models/syncstatus.h"
#include "server/storage/changelog.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>

using namespace crm;
using namespace std::chrono_literals;
using test::newId;
using test::Profile;
using test::Server;
using test::waitUntil;

namespace {

const QJsonObject kEscrow{{QStringLiteral("number"), QStringLiteral("ESC-7")},
                          {QStringLiteral("purchasePrice"), 700000},
                          {QStringLiteral("status"), QStringLiteral("open")}};

// Both online; `creator` makes an escrow and both have it confirmed. Its id.
QString sharedEscrow(Profile& creator, Profile& other)
{
    creator.goOnline();
    other.goOnline();
    const QString id = newId();
    REQUIRE(creator.engine->edit(QStringLiteral("escrows"), id, Operation::Create, kEscrow));
    REQUIRE(waitUntil([&] {
        return other.field(id, QStringLiteral("number")).isString() && creator.outboxEmpty();
    }));
    return id;
}

} // namespace

TEST_CASE("SyncEngine: a fresh profile bootstraps over REST, then follows the stream",
          "[syncengine]")
{
    Server s;
    // Records made before the profile existed.
    for (int i = 0; i < 3; ++i) {
        Mutation m;
        m.module = QStringLiteral("escrows");
        m.op = Operation::Create;
        m.recordId = newId();
        m.fields = kEscrow;
        REQUIRE(s.server.mutations().apply(s.ben, m).change);
    }
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ana.goOnline();
    CHECK(ana.store->cache().records(QStringLiteral("escrows")).size() == 3);
    CHECK(ana.store->cache().lastSeq() == 3);

    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    ben.goOnline();
    const QString id = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Create, kEscrow));
    REQUIRE(waitUntil(
        [&] { return ana.field(id, QStringLiteral("number")) == QStringLiteral("ESC-7"); }));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));
    CHECK(ana.store->cache().lastSeq() == 4);
}

TEST_CASE("SyncEngine: offline edits wait in the outbox and sync exactly once on reconnect",
          "[syncengine]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    ben.goOnline();
    const QString id = newId();
    // Offline: create, then two edits of the same record on top of it.
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Create, kEscrow));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 710000}}));
    CHECK(ana.store->outbox().entries().size() == 3);

    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    // Her own queued edits never conflicted with each other; Ben has the final state.
    CHECK(ana.store->problems().conflicts().isEmpty());
    REQUIRE(waitUntil(
        [&] { return ben.field(id, QStringLiteral("purchasePrice")).toInt() == 710000; }));
    CHECK(ben.field(id, QStringLiteral("status")) == QStringLiteral("pending"));
    CHECK(s.server.changeLog().lastSeq(s.ana.brokerageId) == 3); // each edit applied once
}

TEST_CASE("SyncEngine: overlapping offline edits become a conflict, never a silent loss",
          "[syncengine][conflicts]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    const QString id = sharedEscrow(ana, ben);

    ana.connection.stop();
    ben.connection.stop();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 720000}}));
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 690000}}));
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    ben.goOnline();
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));
    const auto conflicts = ben.store->problems().conflicts();
    REQUIRE(conflicts.size() == 1);
    const auto field =
        conflicts[0].detail.value(QStringLiteral("conflicts")).toArray().first().toObject();
    CHECK(field.value(QStringLiteral("mine")).toInt() == 690000);
    CHECK(field.value(QStringLiteral("theirs")).toInt() == 720000);
    CHECK(field.value(QStringLiteral("base")).toInt() == 700000);
    CHECK(ben.field(id, QStringLiteral("purchasePrice")).toInt() == 720000); // confirmed state
}

TEST_CASE("SyncEngine: queued edits keep the version the agent saw, so a teammate's change "
          "of a later one conflicts even after the earlier ones applied",
          "[syncengine][conflicts]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    const QString id = sharedEscrow(ana, ben);

    // Ana, offline, edits the price and then the status, both on version 1; Ben changes the
    // status meanwhile.
    ana.connection.stop();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 730000}}));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("closing")}}));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 735000}}));
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));

    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    // Her price edits applied (her own change in between is no conflict); her status edit
    // did not overwrite Ben's: it waits for her, naming him.
    const auto conflicts = ana.store->problems().conflicts();
    REQUIRE(conflicts.size() == 1);
    const auto field =
        conflicts[0].detail.value(QStringLiteral("conflicts")).toArray().first().toObject();
    CHECK(field.value(QStringLiteral("field")) == QStringLiteral("status"));
    CHECK(field.value(QStringLiteral("mine")) == QStringLiteral("closing"));
    CHECK(field.value(QStringLiteral("theirs")) == QStringLiteral("pending"));
    CHECK(field.value(QStringLiteral("by")).toObject().value(QStringLiteral("name")) ==
          QStringLiteral("ben"));
    REQUIRE(waitUntil(
        [&] { return ben.field(id, QStringLiteral("purchasePrice")).toInt() == 735000; }));
    CHECK(ben.field(id, QStringLiteral("status")) == QStringLiteral("pending"));
    ConflictModel model(*ana.core);
    QAbstractItemModelTester tester(&model);
    REQUIRE(model.rowCount() == 1);
    CHECK(model.index(0).data(ConflictModel::ByRole) == QStringLiteral("ben"));
    CHECK(model.index(0).data().toString() ==
          QStringLiteral("ben changed Escrow ESC-7 at the same time as you"));
}

TEST_CASE("SyncEngine: a delete made on an old copy waits for the agent: delete anyway or keep",
          "[syncengine][conflicts]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    const QString id = sharedEscrow(ana, ben);
    ana.connection.stop();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Delete, {}));
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 760000}}));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    auto conflicts = ana.store->problems().conflicts();
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].kind == ConflictKind::Changed);
    CHECK_FALSE(s.server.records().find(QStringLiteral("escrows"), id)->deleted);
    ConflictModel model(*ana.core);
    QAbstractItemModelTester tester(&model);
    const auto fields = model.index(0).data(ConflictModel::FieldsRole).toList();
    REQUIRE(fields.size() == 1);
    CHECK(fields[0].toMap().value(QStringLiteral("theirs")).toInt() == 760000);
    CHECK(model.index(0).data().toString() ==
          QStringLiteral("ben changed Escrow ESC-7 after you last saw it"));

    using Resolution = ClientCore::Resolution;
    SECTION("keep it: the delete is dropped, the record stays with Ben's change")
    {
        REQUIRE(ana.core->resolve(conflicts[0].id, Resolution::TakeTheirs).ok());
        CHECK(ana.store->problems().conflicts().isEmpty());
        CHECK(ana.store->outbox().entries().isEmpty());
        CHECK_FALSE(s.server.records().find(QStringLiteral("escrows"), id)->deleted);
    }
    SECTION("delete anyway: a delete on the version she has now seen")
    {
        REQUIRE(ana.core->resolve(conflicts[0].id, Resolution::DeleteAnyway).ok());
        REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
        CHECK(ana.store->problems().conflicts().isEmpty());
        CHECK(s.server.records().find(QStringLiteral("escrows"), id)->deleted);
        REQUIRE(waitUntil([&] {
            const auto copy = ben.store->cache().record(QStringLiteral("escrows"), id);
            return copy && copy->deleted;
        }));
    }
}

TEST_CASE("SyncEngine: a backlog over the server's mutation budget is slowed, never cut off",
          "[syncengine][batch]")
{
    SyncHub::Options tight;
    tight.mutationBurst = 40;
    tight.mutationsPerSecond = 400;
    // The server applies batches of 100 on the test's own thread: give the heartbeat room.
    Server s(std::chrono::seconds(900), tight, QStringLiteral("sqlite"), {}, 2s);
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    QStringList ids;
    for (int i = 0; i < 20; ++i) {
        ids.append(newId());
        REQUIRE(
            ana.engine->edit(QStringLiteral("escrows"), ids.last(), Operation::Create, kEscrow));
    }
    for (int round = 1; round <= 12; ++round) {
        for (int i = 0; i < 20; ++i)
            REQUIRE(
                ana.engine->edit(QStringLiteral("escrows"), ids[i], Operation::Update,
                                 {{QStringLiteral("purchasePrice"), 800000 + round * 100 + i}}));
    }
    int drops = 0;
    QObject::connect(&ana.connection, &ConnectionManager::stateChanged, &ana.connection, [&] {
        if (ana.connection.state() == ConnectionState::Reconnecting)
            ++drops;
    });
    int largestBatch = 0;
    QObject::connect(ana.engine, &SyncEngine::localStateChanged, ana.engine,
                     [&] { largestBatch = std::max(largestBatch, ana.engine->inFlightCount()); });
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }, 60s));
    CHECK(drops == 0);
    CHECK(largestBatch == 100);                  // 260 edits go as 100 + 100 + 60
    CHECK(s.server.metrics().duplicates() == 0); // each sent once: no answer was lost
    CHECK(ana.store->problems().conflicts().isEmpty());
    CHECK(ana.store->problems().failures().isEmpty());
    CHECK(s.server.changeLog().lastSeq(s.ana.brokerageId) == 260);
    for (int i = 0; i < 20; ++i)
        CHECK(ana.field(ids[i], QStringLiteral("purchasePrice")).toInt() == 801200 + i);
}

TEST_CASE("SyncEngine: a server without mutate:batch gets the outbox one mutate at a time",
          "[syncengine][batch]")
{
    SyncHub::Options older;
    older.acceptBatches = false;
    Server s(std::chrono::seconds(900), older);
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    const QString id = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Create, kEscrow));
    for (int i = 1; i <= 5; ++i)
        REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                                 {{QStringLiteral("purchasePrice"), 700000 + i}}));
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    CHECK(ana.store->problems().failures().isEmpty());
    CHECK(s.server.changeLog().lastSeq(s.ana.brokerageId) == 6);
    CHECK(ana.field(id, QStringLiteral("purchasePrice")).toInt() == 700005);
}

TEST_CASE("SyncEngine: an edit too large for any frame is refused here, not retried forever",
          "[syncengine][batch]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    const QString big = newId();
    const QString small = newId();
    // Far over the server's 1,000,000-byte frames (the server would refuse it as too_large
    // anyway; here it cannot even be sent), queued before an ordinary edit.
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), big, Operation::Create,
                             {{QStringLiteral("number"), QString(1200000, u'x')}}));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), small, Operation::Create, kEscrow));
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    const auto failures = ana.store->problems().failures();
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].code == QStringLiteral("too_large"));
    CHECK(failures[0].entry.recordId == big);
    CHECK(ana.field(small, QStringLiteral("number")) == QStringLiteral("ESC-7"));
}

TEST_CASE("SyncEngine: a refused edit is kept as a failure with the server's reason",
          "[syncengine]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ana.goOnline();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), newId(), Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("E")},
                              {QStringLiteral("status"), QStringLiteral("someday")}}));
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    const auto failures = ana.store->problems().failures();
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].code == QStringLiteral("not_in_enum"));
    CHECK_FALSE(failures[0].message.isEmpty());
}

TEST_CASE("SyncEngine: applied on the server but the ack was lost -> the resend is a duplicate",
          "[syncengine][crash]")
{
    Server s;
    const QString path = s.dir.filePath(QStringLiteral("ana.sqlite"));
    const QString id = newId();
    {
        // The state a crash leaves: the edit is in the outbox, and the server already applied it
        // under this profile's clientId and mutation id, but the answer never arrived.
        QString error;
        auto store = LocalStore::open(path, &error);
        const auto entry = store->outbox().enqueue(QStringLiteral("escrows"), id, Operation::Create,
                                                   std::nullopt, kEscrow);
        REQUIRE(entry);
        const auto mutation = Mutation::fromJson(entry->toMutation().toJson(), store->clientId());
        REQUIRE(mutation.ok());
        REQUIRE(s.server.mutations().apply(s.ana, mutation.value()).result.status ==
                MutationResult::Status::Applied);
    }
    Profile ana(s, s.ana, path); // the app starts again on the same profile
    CHECK(ana.store->outbox().entries().size() == 1);
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    CHECK(ana.store->problems().conflicts().isEmpty());
    CHECK(ana.store->problems().failures().isEmpty());
    CHECK(s.server.changeLog().lastSeq(s.ana.brokerageId) == 1); // applied once
    REQUIRE(waitUntil(
        [&] { return ana.field(id, QStringLiteral("number")) == QStringLiteral("ESC-7"); }));
}

TEST_CASE(
    "ClientCore::resolve: keep mine, take theirs, merge field by field, restore a deleted record",
    "[syncengine][conflicts]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    ana.goOnline();
    ben.goOnline();
    using Resolution = ClientCore::Resolution;
    ConflictModel conflictModel(*ben.core);
    QAbstractItemModelTester tester(&conflictModel,
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    const QString id = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Create, kEscrow));
    REQUIRE(waitUntil(
        [&] { return ben.field(id, QStringLiteral("number")).isString() && ana.outboxEmpty(); }));

    // Makes Ben's next edit of `field` collide with Ana's.
    auto collide = [&](const QString& field, const QJsonValue& anaValue,
                       const QJsonValue& benValue) {
        ben.connection.stop();
        REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                                 {{field, benValue}}));
        REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                                 {{field, anaValue}}));
        REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
        ben.goOnline();
        REQUIRE(waitUntil([&] { return ben.store->problems().conflicts().size() == 1; }));
        return ben.store->problems().conflicts().first().id;
    };

    SECTION("keep mine")
    {
        const qint64 conflict = collide(QStringLiteral("status"), QStringLiteral("closing"),
                                        QStringLiteral("cancelled"));
        REQUIRE(ben.core->resolve(conflict, Resolution::KeepMine).ok());
        REQUIRE(waitUntil([&] {
            return ben.outboxEmpty() &&
                   ana.field(id, QStringLiteral("status")) == QStringLiteral("cancelled");
        }));
        CHECK(ben.store->problems().conflicts().isEmpty());
    }
    SECTION("take theirs")
    {
        const qint64 conflict = collide(QStringLiteral("status"), QStringLiteral("closing"),
                                        QStringLiteral("cancelled"));
        CHECK(ben.core->resolve(conflict, Resolution::TakeTheirs).ok());
        CHECK(ben.store->problems().conflicts().isEmpty());
        test::spin(200ms);
        CHECK(ana.field(id, QStringLiteral("status")) == QStringLiteral("closing"));
    }
    SECTION("merge with a typed value")
    {
        const qint64 conflict = collide(QStringLiteral("purchasePrice"), 710000, 690000);
        REQUIRE(
            ben.core
                ->resolve(conflict, Resolution::Merge, {{QStringLiteral("purchasePrice"), 700500}})
                .ok());
        REQUIRE(waitUntil(
            [&] { return ana.field(id, QStringLiteral("purchasePrice")).toInt() == 700500; }));
    }
    SECTION("restore a record deleted by someone else")
    {
        ben.connection.stop();
        REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                                 {{QStringLiteral("status"), QStringLiteral("pending")}}));
        REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Delete, {}));
        REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
        ben.goOnline();
        REQUIRE(waitUntil([&] { return ben.store->problems().conflicts().size() == 1; }));
        CHECK(ben.store->problems().conflicts().first().kind == ConflictKind::Deleted);
        const auto restored =
            ben.core->resolve(ben.store->problems().conflicts().first().id, Resolution::Restore);
        REQUIRE(restored.ok());
        REQUIRE(waitUntil([&] {
            return ana.field(restored.recordId, QStringLiteral("status")) ==
                   QStringLiteral("pending");
        }));
        CHECK(ana.field(restored.recordId, QStringLiteral("number")) == QStringLiteral("ESC-7"));
    }
    const auto unknown = ben.core->resolve(987654, Resolution::KeepMine);
    CHECK(unknown.refusal == CommandResult::Refusal::NotFound);
    CHECK_FALSE(unknown.message.isEmpty());
}

TEST_CASE("SyncEngine: many records go in one batch, each record's edits in order", "[syncengine]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    QStringList ids;
    for (int i = 0; i < 25; ++i) {
        ids.append(newId());
        REQUIRE(
            ana.engine->edit(QStringLiteral("escrows"), ids.last(), Operation::Create, kEscrow));
        REQUIRE(ana.engine->edit(QStringLiteral("escrows"), ids.last(), Operation::Update,
                                 {{QStringLiteral("purchasePrice"), 800000 + i}}));
    }
    int peak = 0;
    QObject::connect(ana.engine, &SyncEngine::localStateChanged, ana.engine,
                     [&] { peak = std::max(peak, ana.engine->inFlightCount()); });
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    CHECK(peak == 50); // one batch: different records and each record's edits together
    CHECK(s.server.metrics().duplicates() == 0);
    for (const auto& failure : ana.store->problems().failures())
        FAIL_CHECK(failure.code.toStdString() + ": " + failure.message.toStdString());
    CHECK(ana.store->problems().conflicts().isEmpty());
    CHECK(s.server.changeLog().lastSeq(s.ana.brokerageId) == 50);
    for (int i = 0; i < 25; ++i)
        CHECK(ana.field(ids[i], QStringLiteral("purchasePrice")).toInt() == 800000 + i);
}

TEST_CASE("SyncStatus counts what waits, what failed and what conflicts",
          "[syncengine][syncstatus]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    SyncStatus status(*ana.core);
    const QString id = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Create, kEscrow));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), newId(), Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("E")},
                              {QStringLiteral("status"), QStringLiteral("maybe")}}));
    CHECK(status.pendingCount() == 2);
    CHECK(status.label() == QStringLiteral("Offline - 2 changes waiting"));
    ana.goOnline();
    REQUIRE(waitUntil([&] { return status.pendingCount() == 0; }));
    CHECK(status.failedCount() == 1);
    CHECK(status.conflictCount() == 0);
    // The refused one is said on the badge until the agent acts on it.
    CHECK(status.label() == QStringLiteral("Live - 1 change refused"));
}
