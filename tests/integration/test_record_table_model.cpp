// RecordTableModel over a real store and engine against the in-process server, checked by
// QAbstractItemModelTester the whole time.
#include "models/failuremodel.h"
#include "models/notificationmodel.h"
#include "models/recordtablemodel.h"
#include "server/storage/mutationservice.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>

using namespace crm;
using namespace std::chrono_literals;
using test::newId;
using test::Profile;
using test::Server;
using test::waitUntil;

namespace {

QModelIndex cell(const RecordTableModel& model, const QString& id, const QString& field)
{
    const int row = model.rowOf(id);
    for (int column = 0; column < model.columnCount(); ++column) {
        if (model.headerData(column, Qt::Horizontal, RecordTableModel::FieldNameRole) == field)
            return model.index(row, column);
    }
    return {};
}

} // namespace

TEST_CASE("RecordTableModel: exactly the changed cells, inserts, removals, optimistic overlay",
          "[models]")
{
    Server s;
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ben.goOnline();
    ana.goOnline();
    RecordTableModel model(*ana.core, QStringLiteral("escrows"));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(model.rowCount() == 0);
    CHECK(model.headerData(0, Qt::Horizontal, Qt::DisplayRole) == QStringLiteral("Escrow number"));

    // A teammate creates a record: one row inserted.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const QString id = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("ESC-1")},
                              {QStringLiteral("purchasePrice"), 500000},
                              {QStringLiteral("status"), QStringLiteral("open")}}));
    REQUIRE(waitUntil([&] { return model.rowCount() == 1; }));
    CHECK(inserted.count() == 1);
    CHECK(cell(model, id, QStringLiteral("purchasePrice")).data().toInt() == 500000);

    // The teammate changes one field: dataChanged for exactly that cell, marked as theirs.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] {
        return cell(model, id, QStringLiteral("status")).data() == QStringLiteral("pending");
    }));
    QSet<int> columns;
    for (const auto& signal : changed) {
        const auto topLeft = signal.at(0).value<QModelIndex>();
        const auto bottomRight = signal.at(1).value<QModelIndex>();
        CHECK(topLeft == bottomRight); // one cell per signal
        columns.insert(topLeft.column());
    }
    CHECK(columns == QSet<int>{cell(model, id, QStringLiteral("status")).column()});
    CHECK(cell(model, id, QStringLiteral("status"))
              .data(RecordTableModel::RemoteChangedRole)
              .toBool());
    CHECK_FALSE(cell(model, id, QStringLiteral("purchasePrice"))
                    .data(RecordTableModel::RemoteChangedRole)
                    .toBool());

    // Ana edits offline: the table shows it at once, marked pending, until the server has it.
    ana.connection.stop();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 510000}}));
    REQUIRE(waitUntil(
        [&] { return cell(model, id, QStringLiteral("purchasePrice")).data().toInt() == 510000; }));
    CHECK(cell(model, id, QStringLiteral("purchasePrice"))
              .data(RecordTableModel::PendingRole)
              .toBool());
    CHECK_FALSE(
        cell(model, id, QStringLiteral("status")).data(RecordTableModel::PendingRole).toBool());
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    REQUIRE(waitUntil([&] {
        return !cell(model, id, QStringLiteral("purchasePrice"))
                    .data(RecordTableModel::PendingRole)
                    .toBool();
    }));
    CHECK(cell(model, id, QStringLiteral("purchasePrice")).data().toInt() == 510000);

    // A refused edit rolls the cell back to the confirmed value and flags the row.
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), -1}}));
    REQUIRE(waitUntil([&] {
        return cell(model, id, QStringLiteral("purchasePrice"))
            .data(RecordTableModel::FailedRole)
            .toBool();
    }));
    CHECK(cell(model, id, QStringLiteral("purchasePrice")).data().toInt() == 510000);

    // The teammate deletes it: the row goes.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Delete, {}));
    REQUIRE(waitUntil([&] { return model.rowCount() == 0; }));
    CHECK(removed.count() == 1);
}

TEST_CASE("RecordTableModel: a local create appears at once and stays one row when confirmed",
          "[models]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    RecordTableModel model(*ana.core, QStringLiteral("escrows"));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const QString id = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("ESC-2")}}));
    REQUIRE(waitUntil([&] { return model.rowCount() == 1; }));
    CHECK(cell(model, id, QStringLiteral("number")).data(RecordTableModel::PendingRole).toBool());
    ana.goOnline();
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    REQUIRE(waitUntil([&] {
        return !cell(model, id, QStringLiteral("number"))
                    .data(RecordTableModel::PendingRole)
                    .toBool();
    }));
    CHECK(model.rowCount() == 1);
    CHECK(cell(model, id, QStringLiteral("number")).data() == QStringLiteral("ESC-2"));
}

TEST_CASE("RecordTableModel: a burst of remote changes is applied in slices", "[models][burst]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ana.goOnline();
    RecordTableModel model(*ana.core, QStringLiteral("escrows"));
    // The smallest budget: one change per turn, so slicing shows however fast the machine is.
    model.setSliceBudget(std::chrono::milliseconds(0));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    // 1,200 records created on the server in one go.
    for (int i = 0; i < 1200; ++i) {
        Mutation m;
        m.module = QStringLiteral("escrows");
        m.op = Operation::Create;
        m.recordId = newId();
        m.fields = {{QStringLiteral("number"), QStringLiteral("B-%1").arg(i)}};
        REQUIRE(s.server.mutations().apply(s.ben, m).change);
    }
    // Nothing was broadcast (mutations applied behind the hub's back), so reconnecting replays.
    ana.connection.stop();
    bool sawQueue = false;
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &model,
                     [&] { sawQueue = sawQueue || model.queuedChanges() > 0; });
    ana.goOnline();
    // Turn after turn without the pauses waitUntil takes between checks.
    QElapsedTimer patience;
    patience.start();
    while (model.rowCount() < 1200 && patience.elapsed() < 30000)
        QCoreApplication::processEvents();
    REQUIRE(model.rowCount() == 1200);
    CHECK(sawQueue); // rows arrived while later changes still waited their turn
    CHECK(model.queuedChanges() == 0);
}

TEST_CASE("RecordTableModel: a steady stream is applied once a frame, not once per event",
          "[models][burst]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    RecordTableModel model(*ana.core, QStringLiteral("escrows"));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto escrow = [](int n, int price) {
        RecordCache::Record record;
        record.module = QStringLiteral("escrows");
        record.id = QStringLiteral("e%1").arg(n);
        record.version = price;
        record.fields = {{QStringLiteral("number"), QStringLiteral("S-%1").arg(n)},
                         {QStringLiteral("purchasePrice"), price}};
        return record;
    };
    for (int n = 0; n < 10; ++n)
        emit ana.engine->recordChanged(escrow(n, 1), {QStringLiteral("number")}, true);
    waitUntil([&] { return model.rowCount() == 10 && model.queuedChanges() == 0; });

    // A change every 2 ms for about 320 ms, as a live stream read by read delivers them. Each
    // applied batch emits its dataChanged back to back; batches are told apart by the pause
    // between them. Once per event (the old way) would make ~160 batches; once a frame ~20. A
    // slow machine only merges more changes into each batch.
    int batches = 0;
    int changesSeen = 0;
    QElapsedTimer sinceLast;
    QObject::connect(&model, &QAbstractItemModel::dataChanged, &model, [&] {
        if (!sinceLast.isValid() || sinceLast.nsecsElapsed() > 1'000'000)
            ++batches;
        ++changesSeen;
        sinceLast.start();
    });
    int sent = 0;
    QTimer feed;
    feed.setInterval(2);
    QObject::connect(&feed, &QTimer::timeout, &model, [&] {
        ++sent;
        emit ana.engine->recordChanged(escrow(sent % 10, 1 + sent),
                                       {QStringLiteral("purchasePrice")}, true);
        if (sent == 160)
            feed.stop();
    });
    feed.setTimerType(Qt::PreciseTimer);
    feed.start();
    QElapsedTimer patience; // turn after turn, without the pauses waitUntil takes
    patience.start();
    while ((feed.isActive() || model.queuedChanges() > 0) && patience.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    CHECK(changesSeen >= 160);
    CHECK(batches <= 40);
    CHECK(model.data(cell(model, QStringLiteral("e0"), QStringLiteral("purchasePrice")),
                     Qt::EditRole) == 161);
}

TEST_CASE("Moved to another team: the copy reloads for the new team at once, and a queued edit "
          "of the old team's record is refused with a reason, never lost",
          "[models][table][access]")
{
    Server s;
    test::Agent ana(s, s.ana, newId());
    ana.connect();
    test::Agent cleo(s, s.cleo, newId());
    cleo.connect();
    const QString north = newId();
    const QString south = newId();
    ana.create(north, {{QStringLiteral("number"), QStringLiteral("N-1")}});
    cleo.create(south, {{QStringLiteral("number"), QStringLiteral("S-1")}});

    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    RecordTableModel table(*ben.core, QStringLiteral("escrows"));
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy accessChanged(ben.engine, &SyncEngine::accessChanged);
    NotificationModel notes(*ben.core);
    QSignalSpy refused(ben.engine, &SyncEngine::editRefused);
    ben.goOnline();
    REQUIRE(waitUntil([&] { return table.rowOf(north) >= 0; }));
    CHECK(table.rowOf(south) < 0);

    // The broker admin moves Ben to South while he is online.
    RestClient admin;
    admin.setBaseUrl(s.url());
    admin.setBearerToken(s.token(s.dee));
    auto move = [&](const QString& team) {
        std::optional<RestReply> moved;
        admin.patch(QStringLiteral("/api/users/%1").arg(s.ben.userId),
                    QJsonObject{{QStringLiteral("team"), team}},
                    [&](const RestReply& reply) { moved = reply; });
        REQUIRE(waitUntil([&] { return moved.has_value(); }));
        return *moved;
    };
    REQUIRE(move(QStringLiteral("South")).ok());
    // Ben's socket was told and closed; the reconnect finds the new scope and reloads.
    REQUIRE(waitUntil([&] { return accessChanged.count() == 1; }));
    REQUIRE(waitUntil([&] { return table.rowOf(south) >= 0 && table.rowOf(north) < 0; }));
    REQUIRE(notes.rowCount() >= 1);
    CHECK(notes.index(0).data(NotificationModel::KindRole).value<NotificationModel::Kind>() ==
          NotificationModel::Kind::Access);

    // Offline, Ben edits a South record; meanwhile he is moved back to North.
    ben.connection.stop();
    REQUIRE(table.updateRecord(table.rowOf(south),
                               {{QStringLiteral("status"), QStringLiteral("closing")}}));
    REQUIRE(move(QStringLiteral("North")).ok());
    ben.goOnline();
    REQUIRE(waitUntil([&] { return accessChanged.count() == 2; }));
    REQUIRE(waitUntil([&] { return table.rowOf(north) >= 0 && table.rowOf(south) < 0; }));
    REQUIRE(waitUntil([&] { return refused.count() == 1; }));
    CHECK(refused.first().at(1).toString() == QStringLiteral("not_found"));
    CHECK(refused.first().at(2).toString() ==
          QStringLiteral("This escrow does not exist or is outside your team"));
    CHECK(ben.store->problems().failureCount() == 1); // kept for Ben to see, retry or discard
    CHECK(ben.store->outbox().count() == 0);

    // Only a broker admin moves people.
    std::optional<RestReply> refusedMove;
    admin.setBearerToken(s.token(s.ana));
    admin.patch(QStringLiteral("/api/users/%1").arg(s.ben.userId),
                QJsonObject{{QStringLiteral("team"), QStringLiteral("North")}},
                [&](const RestReply& reply) { refusedMove = reply; });
    REQUIRE(waitUntil([&] { return refusedMove.has_value(); }));
    CHECK(refusedMove->httpStatus == 403);
    // A team or role that does not exist is refused with its reason, and nothing moves.
    admin.setBearerToken(s.token(s.dee));
    CHECK(move(QStringLiteral("Nowhere")).error.code == QStringLiteral("unknown_team"));
    std::optional<RestReply> badRole;
    admin.patch(QStringLiteral("/api/users/%1").arg(s.ben.userId),
                QJsonObject{{QStringLiteral("team"), QStringLiteral("South")},
                            {QStringLiteral("role"), QStringLiteral("king")}},
                [&](const RestReply& reply) { badRole = reply; });
    REQUIRE(waitUntil([&] { return badRole.has_value(); }));
    CHECK(badRole->httpStatus == 422);
    CHECK(badRole->error.code == QStringLiteral("bad_role"));
    CHECK(s.server.users().findById(s.ben.userId)->identity.teamId == s.north);
}

TEST_CASE("A record the server refused an edit of for lack of permission is read-only, with the "
          "reason, until the refusal is dealt with",
          "[models][table][access]")
{
    Server s;
    test::Agent ana(s, s.ana, newId());
    ana.connect();
    const QString id = newId();
    ana.create(id, {{QStringLiteral("number"), QStringLiteral("N-2")},
                    {QStringLiteral("myCommission"), 1000}});
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    RecordTableModel table(*ben.core, QStringLiteral("escrows"));
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ben.goOnline();
    REQUIRE(waitUntil([&] { return table.rowOf(id) >= 0; }));
    // Ben is not the owner: the commission is Ana's to change (a script tried anyway).
    REQUIRE(table.updateRecord(table.rowOf(id), {{QStringLiteral("myCommission"), 5}}));
    REQUIRE(waitUntil([&] { return !table.readOnlyReason(table.rowOf(id)).isEmpty(); }));
    const int row = table.rowOf(id);
    CHECK(table.readOnlyReason(row) ==
          QStringLiteral("Only the owner or a broker admin may change My commission"));
    CHECK(table.index(row, 0).data(RecordTableModel::ReadOnlyReasonRole) ==
          table.readOnlyReason(row));
    CHECK_FALSE(table.flags(table.index(row, 0)) & Qt::ItemIsEditable);
    QString error;
    CHECK_FALSE(
        table.updateRecord(row, {{QStringLiteral("status"), QStringLiteral("open")}}, &error));
    CHECK(error == table.readOnlyReason(row));

    // Discarding the refused edit gives the record back.
    FailureModel failures(*ben.core);
    REQUIRE(failures.rowCount() == 1);
    REQUIRE(failures.discard(failures.index(0).data(FailureModel::MutationIdRole).toLongLong()));
    REQUIRE(waitUntil([&] { return table.readOnlyReason(table.rowOf(id)).isEmpty(); }));
    CHECK(table.flags(table.index(table.rowOf(id), 0)) & Qt::ItemIsEditable);
}
