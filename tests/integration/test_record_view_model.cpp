// RecordViewModel over a real RecordTableModel, store and engine. Changes enter the way the
// server's replay delivers them (sync:changes), so no network is needed; every model is watched
// by QAbstractItemModelTester, and the view's order is checked against an independent sort.
#include "core/clientcore.h"
#include "models/recordtablemodel.h"
#include "models/recordviewmodel.h"
#include "models/sortkey.h"
#include "realtime/ackresponder.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "support/eventloop.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QPersistentModelIndex>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace crm;
using namespace std::chrono_literals;

namespace {

constexpr int kPrice = 2;  // escrows: purchasePrice
constexpr int kStatus = 6; // escrows: status

struct Fixture
{
    QTemporaryDir dir;
    std::unique_ptr<ClientCore> core;
    std::unique_ptr<RecordTableModel> table;
    qint64 seq = 1;

    explicit Fixture(int records)
    {
        QString error;
        auto store = LocalStore::open(dir.filePath(QStringLiteral("p.sqlite")), &error);
        REQUIRE(store);
        QList<RecordCache::Record> seed;
        for (int i = 0; i < records; ++i)
            seed.append(
                {QStringLiteral("escrows"),
                 QStringLiteral("r%1").arg(i, 3, 10, QChar(u'0')),
                 QJsonObject{{QStringLiteral("number"), QStringLiteral("ESC-%1").arg(i)},
                             {QStringLiteral("purchasePrice"), 1000 * ((i * 37) % 101)},
                             {QStringLiteral("status"),
                              i % 4 == 0 ? QStringLiteral("pending") : QStringLiteral("open")}},
                 1,
                 QStringLiteral("north"),
                 QStringLiteral("u1"),
                 {},
                 false});
        REQUIRE(store->cache().storeRecords(seed));
        REQUIRE(store->cache().setLastSeq(1));
        ConnectionConfig config;
        config.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // never started
        core = std::make_unique<ClientCore>(config, std::move(store));
        table = std::make_unique<RecordTableModel>(*core, QStringLiteral("escrows"));
    }

    // One replayed change from a teammate.
    void change(const QString& id, const QString& kind, const QJsonObject& fields)
    {
        ++seq;
        const QJsonObject event{{QStringLiteral("module"), QStringLiteral("escrows")},
                                {QStringLiteral("id"), id},
                                {QStringLiteral("kind"), kind},
                                {QStringLiteral("version"), seq},
                                {QStringLiteral("seq"), seq},
                                {QStringLiteral("fields"), fields},
                                {QStringLiteral("clientId"), QStringLiteral("teammate")}};
        emit core->connection().eventReceived(
            QStringLiteral("sync:changes"),
            {QJsonObject{{QStringLiteral("changes"), QJsonArray{event}}}}, AckResponder());
    }

    void settle(const RecordViewModel& view)
    {
        // Generous: under the sanitizers the model tester's checks of every persistent index
        // make a 2,000-change burst take 10 s on a busy CI machine. Order is what is tested.
        REQUIRE(test::waitUntil(
            [&] { return table->queuedChanges() == 0 && view.pendingRepositions() == 0; },
            std::chrono::seconds(90)));
    }
};

// The view's rows as record ids, and the same computed independently from the table.
QStringList viewOrder(const RecordViewModel& view)
{
    QStringList ids;
    for (int row = 0; row < view.rowCount(); ++row)
        ids.append(view.index(row, 0).data(RecordTableModel::RecordIdRole).toString());
    return ids;
}

QStringList expectedOrder(const RecordTableModel& table, const QString& status, bool descending)
{
    QList<int> rows;
    for (int row = 0; row < table.rowCount(); ++row) {
        if (status.isEmpty() || table.index(row, kStatus).data().toString() == status)
            rows.append(row);
    }
    std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
        const double x = table.index(a, kPrice).data().toDouble();
        const double y = table.index(b, kPrice).data().toDouble();
        return descending ? x > y : x < y;
    });
    QStringList ids;
    for (int row : rows)
        ids.append(table.recordId(row));
    return ids;
}

} // namespace

TEST_CASE("RecordViewModel sorts, filters and searches", "[models][view]")
{
    Fixture f(40);
    RecordViewModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::Fatal);
    view.setSourceModel(f.table.get());
    CHECK(view.rowCount() == 40);
    CHECK(view.headerData(kPrice, Qt::Horizontal) ==
          f.table->headerData(kPrice, Qt::Horizontal, Qt::DisplayRole));

    view.sort(kPrice);
    CHECK(viewOrder(view) == expectedOrder(*f.table, {}, false));
    view.sort(kPrice, Qt::DescendingOrder);
    CHECK(viewOrder(view) == expectedOrder(*f.table, {}, true));

    view.setColumnFilter(kStatus, QStringLiteral("OPEN")); // case does not matter
    CHECK(view.rowCount() == 30);
    CHECK(viewOrder(view) == expectedOrder(*f.table, QStringLiteral("open"), true));

    // ESC-1 and ESC-10..19, less the pending 12 and 16: nine rows.
    view.setSearchText(QStringLiteral("esc-1"));
    for (const auto& id : viewOrder(view)) {
        const int row = f.table->rowOf(id);
        CHECK(f.table->index(row, 0).data().toString().startsWith(QStringLiteral("ESC-1")));
        CHECK(f.table->index(row, kStatus).data() == QStringLiteral("open"));
    }
    CHECK(view.rowCount() == 9);
    view.setSearchText({});
    view.setColumnFilter(kStatus, {});
    CHECK(view.rowCount() == 40);
}

TEST_CASE("RecordViewModel keeps up with remote changes without losing the selection",
          "[models][view]")
{
    Fixture f(60);
    RecordViewModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::Fatal);
    view.setSourceModel(f.table.get());
    view.setColumnFilter(kStatus, QStringLiteral("open"));
    view.sort(kPrice);

    // The agent has a record selected; a teammate makes it the most expensive one.
    const QString selectedId = viewOrder(view).at(3);
    QPersistentModelIndex selected(view.index(3, kPrice));
    QSignalSpy cells(&view, &QAbstractItemModel::dataChanged);
    QSignalSpy layouts(&view, &QAbstractItemModel::layoutChanged);
    f.change(selectedId, QStringLiteral("updated"), {{QStringLiteral("purchasePrice"), 999999}});
    // The cell shows the new value before the row moves.
    REQUIRE(test::waitUntil([&] { return !cells.isEmpty(); }));
    f.settle(view);
    CHECK(layouts.count() >= 1);
    REQUIRE(selected.isValid());
    CHECK(selected.row() == view.rowCount() - 1);
    CHECK(selected.data().toInt() == 999999);
    CHECK(selected.data(RecordTableModel::RecordIdRole) == selectedId);
    CHECK(viewOrder(view) == expectedOrder(*f.table, QStringLiteral("open"), false));

    // A change that takes the row out of the filter takes it out of the view.
    f.change(selectedId, QStringLiteral("updated"),
             {{QStringLiteral("status"), QStringLiteral("closed")}});
    f.settle(view);
    CHECK_FALSE(selected.isValid());
    CHECK_FALSE(viewOrder(view).contains(selectedId));

    // A new record lands in its sorted place; a deleted one leaves.
    f.change(QStringLiteral("new-1"), QStringLiteral("created"),
             {{QStringLiteral("number"), QStringLiteral("ESC-NEW")},
              {QStringLiteral("purchasePrice"), 1},
              {QStringLiteral("status"), QStringLiteral("open")}});
    f.settle(view);
    CHECK(viewOrder(view).first() == QStringLiteral("new-1"));
    const QString gone = viewOrder(view).at(5);
    f.change(gone, QStringLiteral("deleted"), {});
    f.settle(view);
    CHECK_FALSE(viewOrder(view).contains(gone));
    CHECK(viewOrder(view) == expectedOrder(*f.table, QStringLiteral("open"), false));
}

TEST_CASE("RecordViewModel matches an independent sort after a random burst", "[models][view]")
{
    Fixture f(300);
    RecordViewModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::Fatal);
    view.setSourceModel(f.table.get());
    view.setColumnFilter(kStatus, QStringLiteral("open"));
    view.sort(kPrice, Qt::DescendingOrder);
    QRandomGenerator random(20261122);
    const QStringList statuses{QStringLiteral("open"), QStringLiteral("pending"),
                               QStringLiteral("closing")};
    int created = 0;
    for (int i = 0; i < 2000; ++i) {
        const int dice = random.bounded(100);
        if (dice < 3) {
            f.change(QStringLiteral("burst-%1").arg(created++), QStringLiteral("created"),
                     {{QStringLiteral("purchasePrice"), random.bounded(200000)},
                      {QStringLiteral("status"), QStringLiteral("open")}});
        } else if (dice < 5 && f.table->rowCount() > 10) {
            f.change(f.table->recordId(random.bounded(f.table->rowCount())),
                     QStringLiteral("deleted"), {});
        } else {
            QJsonObject fields{{QStringLiteral("purchasePrice"), random.bounded(200000)}};
            if (dice < 30)
                fields.insert(QStringLiteral("status"), statuses.at(random.bounded(3)));
            f.change(f.table->recordId(random.bounded(f.table->rowCount())),
                     QStringLiteral("updated"), fields);
        }
        if (i % 97 == 0)
            QCoreApplication::processEvents(); // some turns end mid-burst
    }
    f.settle(view);
    // Ties in price are ordered by table row in both, so the lists must be identical.
    CHECK(viewOrder(view) == expectedOrder(*f.table, QStringLiteral("open"), true));
}

TEST_CASE("SortKey orders as the view always has: empty first, numbers by value, text ignoring "
          "case, and a number against text as text",
          "[models][view]")
{
    auto order = [](const QVariant& a, const QVariant& b) {
        const auto byKeys = SortKey::compare(SortKey::of(a), SortKey::of(b));
        const int byValues = SortKey::compareValues(a, b);
        if (byKeys) // when the keys decide, they decide as the values do
            CHECK((*byKeys < 0) == (byValues < 0));
        return byValues;
    };
    CHECK(SortKey::of(QVariant()).kind == SortKey::Kind::Empty);
    CHECK(SortKey::of(QString()).kind == SortKey::Kind::Empty);
    CHECK(order(QVariant(), 1) < 0);
    CHECK(order(QString(), QStringLiteral("a")) < 0);
    CHECK(order(QVariant(), QString()) == 0);
    CHECK(order(2, 10) < 0); // by value, not "10" < "2"
    CHECK(order(1249000.5, 1249000) > 0);
    CHECK(order(true, 2) < 0);
    CHECK(order(QStringLiteral("apple"), QStringLiteral("Banana")) < 0);
    CHECK(order(QStringLiteral("Élan"), QStringLiteral("élan")) == 0);
    CHECK(order(QStringLiteral("b"), QStringLiteral("B")) == 0);
    // Mixed kinds are left to the values' texts: "5" against "abc".
    CHECK_FALSE(SortKey::compare(SortKey::of(5), SortKey::of(QStringLiteral("abc"))));
    CHECK(order(5, QStringLiteral("abc")) < 0);
    CHECK(order(QStringLiteral("zz"), 7) > 0);
}
