// The client core as its callers see it: every command answers with one CommandResult, each
// module's feed hears its own module only and carries the state it announces, and a change
// the copy cannot write down is refused and says so.
#include "realtime/ackresponder.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace crm;
using test::newId;
using test::Profile;
using test::Server;
using test::waitUntil;
using Refusal = CommandResult::Refusal;

namespace {

const QJsonObject kEscrow{{QStringLiteral("number"), QStringLiteral("ESC-9")},
                          {QStringLiteral("purchasePrice"), 510000},
                          {QStringLiteral("status"), QStringLiteral("open")}};

} // namespace

TEST_CASE("ClientCore: each module's feed hears its module only, with the state it announces",
          "[clientcore]")
{
    Server s;
    QTemporaryDir dir;
    Profile ana(s, s.ana, dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, dir.filePath(QStringLiteral("ben.sqlite")));
    ana.goOnline();
    ben.goOnline();
    QSignalSpy escrowRecords(&ben.core->feed(QStringLiteral("escrows")),
                             &ModuleFeed::recordChanged);
    QSignalSpy escrowStates(&ben.core->feed(QStringLiteral("escrows")),
                            &ModuleFeed::localStateChanged);
    QSignalSpy clientRecords(&ben.core->feed(QStringLiteral("clients")),
                             &ModuleFeed::recordChanged);

    // Ana's new client reaches Ben's clients feed, with the record in the signal.
    const auto made = ana.core->create(QStringLiteral("clients"),
                                       {{QStringLiteral("name"), QStringLiteral("Lu")}});
    REQUIRE(made.ok());
    CHECK(made.mutationId > 0);
    REQUIRE(waitUntil([&] { return clientRecords.size() == 1; }));
    const auto record = clientRecords.first().at(0).value<RecordCache::Record>();
    CHECK(record.id == made.recordId);
    CHECK(record.fields.value(QStringLiteral("name")) == QStringLiteral("Lu"));
    CHECK(clientRecords.first().at(2).toBool()); // by someone else
    CHECK(escrowRecords.isEmpty());

    // Ben's own escrow: the feed announces the queued create with its values, before the
    // command returns; the clients feed hears nothing of it.
    const auto own = ben.core->create(QStringLiteral("escrows"), kEscrow);
    REQUIRE(own.ok());
    REQUIRE(escrowStates.size() >= 1);
    const auto queued = escrowStates.first().at(0).value<RecordLocalState>();
    CHECK(queued.id == own.recordId);
    CHECK(queued.pendingCreate);
    CHECK(queued.overlay.value(QStringLiteral("number")) == QStringLiteral("ESC-9"));
    CHECK_FALSE(queued.confirmed);
    // Once the server applied it, the state says so: nothing queued, the confirmed copy in it.
    REQUIRE(waitUntil([&] {
        const auto last = escrowStates.last().at(0).value<RecordLocalState>();
        return last.overlay.isEmpty() && last.confirmed.has_value();
    }));
    CHECK(clientRecords.size() == 1);
}

TEST_CASE("ClientCore: every refused command says why and changes nothing", "[clientcore]")
{
    Server s;
    QTemporaryDir dir;
    Profile ana(s, s.ana, dir.filePath(QStringLiteral("ana.sqlite")));
    ana.goOnline();
    const auto made = ana.core->create(QStringLiteral("escrows"), kEscrow);
    REQUIRE(made.ok());
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    const QString id = made.recordId;
    const auto before = ana.store->cache().record(QStringLiteral("escrows"), id);
    REQUIRE(before);
    QSignalSpy states(ana.core.get(), &ClientCore::localStateChanged);

    auto refused = [&](const CommandResult& result, Refusal refusal) {
        CHECK(result.refusal == refusal);
        CHECK_FALSE(result.message.isEmpty());
        CHECK(result.mutationId == 0);
    };
    const auto wrongType =
        ana.core->edit(QStringLiteral("escrows"), id,
                       {{QStringLiteral("purchasePrice"), QStringLiteral("a lot")}});
    refused(wrongType, Refusal::InvalidValue);
    CHECK(wrongType.field == QStringLiteral("purchasePrice"));
    refused(ana.core->edit(QStringLiteral("escrows"), id, {}), Refusal::NothingChanged);
    refused(ana.core->edit(QStringLiteral("escrows"), newId(),
                           {{QStringLiteral("status"), QStringLiteral("pending")}}),
            Refusal::NotFound);
    refused(ana.core->remove(QStringLiteral("escrows"), QString()), Refusal::NotFound);
    refused(ana.core->edit(QStringLiteral("yachts"), id,
                           {{QStringLiteral("status"), QStringLiteral("pending")}}),
            Refusal::NotFound);
    refused(ana.core->create(QStringLiteral("escrows"), {}), Refusal::InvalidValue);
    refused(ana.core->retry(424242), Refusal::NotFound);
    refused(ana.core->discard(424242), Refusal::NotFound);
    refused(ana.core->resolve(424242, ClientCore::Resolution::TakeTheirs), Refusal::NotFound);
    CHECK(ana.store->outbox().entries().isEmpty());
    CHECK(states.isEmpty());
    states.clear();
    CHECK(ana.store->cache().record(QStringLiteral("escrows"), id)->fields == before->fields);

    // crm-cli leaves values to the server: the same wrong value is queued, for the server to
    // refuse with its reason.
    ana.connection.stop();
    ana.core->setChecksValues(false);
    const auto unchecked = ana.core->edit(QStringLiteral("escrows"), id,
                                          {{QStringLiteral("status"), QStringLiteral("bogus")}});
    CHECK(unchecked.ok());
    CHECK(unchecked.mutationId > 0);
    REQUIRE(ana.core->discard(0).refusal == Refusal::NotFound);
    ana.core->setChecksValues(true);
    CHECK(ana.store->outbox().entries().size() == 1);
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.store->problems().failures().size() == 1; }));
    REQUIRE(ana.core->discard(ana.store->problems().failures().first().entry.mutationId).ok());
    CHECK(ana.store->problems().failures().isEmpty());

    // A record being deleted here cannot be edited any more.
    ana.connection.stop();
    REQUIRE(ana.core->remove(QStringLiteral("escrows"), id).ok());
    refused(ana.core->edit(QStringLiteral("escrows"), id,
                           {{QStringLiteral("status"), QStringLiteral("pending")}}),
            Refusal::NotFound);
    CHECK(ana.store->outbox().entries().size() == 1);
}

TEST_CASE("ClientCore: a change the copy cannot write down is refused as NotStored, never "
          "reported done",
          "[clientcore]")
{
    Server s;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("ana.sqlite"));
    Profile ana(s, s.ana, path);
    ana.goOnline();
    const auto made = ana.core->create(QStringLiteral("escrows"), kEscrow);
    REQUIRE(made.ok());
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    ana.connection.stop();

    // Another process (a crm-cli run, a backup tool) holds the profile's write lock for longer
    // than the store waits for it.
    {
        auto other =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other-process"));
        other.setDatabaseName(path);
        REQUIRE(other.open());
        QSqlQuery lock(other);
        REQUIRE(lock.exec(QStringLiteral("BEGIN EXCLUSIVE")));
        QSignalSpy states(ana.core.get(), &ClientCore::localStateChanged);
        const auto result = ana.core->edit(QStringLiteral("escrows"), made.recordId,
                                           {{QStringLiteral("status"), QStringLiteral("pending")}});
        CHECK(result.refusal == Refusal::NotStored);
        CHECK(result.message.contains(QStringLiteral("not kept")));
        CHECK(states.isEmpty());
        REQUIRE(lock.exec(QStringLiteral("ROLLBACK")));
        lock.finish();
        other.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("other-process"));
    // The lock gone, the same command goes through: nothing was left half-written.
    CHECK(ana.store->outbox().entries().isEmpty());
    const auto again = ana.core->edit(QStringLiteral("escrows"), made.recordId,
                                      {{QStringLiteral("status"), QStringLiteral("pending")}});
    REQUIRE(again.ok());
    CHECK(ana.store->outbox().entries().size() == 1);
}

TEST_CASE("ClientCore: presence and picture events become typed signals, and malformed ones are "
          "dropped with a log line",
          "[clientcore]")
{
    QTemporaryDir dir;
    QString error;
    auto store = LocalStore::open(dir.filePath(QStringLiteral("p.sqlite")), &error);
    REQUIRE(store);
    ConnectionConfig config;
    config.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // never started
    ClientCore core(config, std::move(store));
    QSignalSpy updates(&core, &ClientCore::presenceUpdated);
    QSignalSpy snapshots(&core, &ClientCore::presenceSnapshot);
    QSignalSpy live(&core, &ClientCore::liveChanged);
    QSignalSpy pictures(&core, &ClientCore::pictureChanged);
    auto deliver = [&](const QString& event, const QJsonValue& payload) {
        emit core.connection().eventReceived(event, {payload}, AckResponder());
    };

    // Wrong types, missing members, not an object at all.
    deliver(QStringLiteral("presence:update"), QJsonObject{{QStringLiteral("userId"), 7}});
    deliver(QStringLiteral("presence:update"), QStringLiteral("online"));
    deliver(QStringLiteral("presence:snapshot"), QJsonObject{{QStringLiteral("users"), 3}});
    deliver(QStringLiteral("user:picture"), QJsonObject{{QStringLiteral("userId"), QString()},
                                                        {QStringLiteral("pictureVersion"), 2}});
    deliver(QStringLiteral("user:picture"),
            QJsonObject{{QStringLiteral("userId"), QStringLiteral("u1")},
                        {QStringLiteral("pictureVersion"), QStringLiteral("two")}});
    CHECK(updates.isEmpty());
    CHECK(snapshots.isEmpty());
    CHECK(live.isEmpty());
    CHECK(pictures.isEmpty());

    Presence ben;
    ben.userId = QStringLiteral("u-ben");
    ben.name = QStringLiteral("Ben");
    ben.status = PresenceStatus::Online;
    ben.sessions = 1;
    deliver(QStringLiteral("presence:update"), ben.toJson());
    REQUIRE(updates.size() == 1);
    CHECK(updates.first().at(0).value<Presence>().name == QStringLiteral("Ben"));
    PresenceSnapshot snapshot;
    snapshot.users = {ben};
    deliver(QStringLiteral("presence:snapshot"), snapshot.toJson());
    REQUIRE(snapshots.size() == 1);
    CHECK(snapshots.first().at(0).value<PresenceSnapshot>().users.size() == 1);
    REQUIRE(live.size() == 1);
    CHECK(live.first().at(0).toBool());
    deliver(QStringLiteral("user:picture"),
            QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-ben")},
                        {QStringLiteral("pictureVersion"), 3}});
    REQUIRE(pictures.size() == 1);
    CHECK(pictures.first().at(1).toLongLong() == 3);
}

TEST_CASE("ClientCore: after the link drops and comes back, the server knows again which record "
          "this window views, the field it edits and its status",
          "[clientcore][presence]")
{
    Server s;
    QTemporaryDir dir;
    Profile ana(s, s.ana, dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, dir.filePath(QStringLiteral("ben.sqlite")));
    ana.goOnline();
    ben.goOnline();
    const auto made = ana.core->create(QStringLiteral("escrows"), kEscrow);
    REQUIRE(made.ok());
    REQUIRE(waitUntil([&] { return ana.store->outbox().count() == 0; }));
    std::optional<Presence> heard;
    QObject::connect(ben.core.get(), &ClientCore::presenceUpdated, ben.core.get(),
                     [&](const Presence& p) {
                         if (p.userId == s.ana.userId)
                             heard = p;
                     });
    auto viewsAndEdits = [&] {
        return heard && heard->status == PresenceStatus::Busy && heard->viewing.size() == 1 &&
               heard->viewing.first().id == made.recordId && heard->editing.size() == 1 &&
               heard->editing.first().field == QStringLiteral("status");
    };
    ana.core->setOwnStatus(QStringLiteral("busy"));
    ana.core->viewRecord(QStringLiteral("escrows"), made.recordId);
    ana.core->editField(QStringLiteral("status"));
    REQUIRE(waitUntil(viewsAndEdits));

    // The server (a restarted one, or another node of a cluster) loses Ana's socket and with it
    // all it knew of her; her window reconnects on its own and says it all again.
    ana.core->stop();
    REQUIRE(waitUntil([&] { return heard && heard->isGone(); }));
    ana.core->start();
    REQUIRE(waitUntil(viewsAndEdits));
}
