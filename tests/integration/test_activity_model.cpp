// ActivityModel and ActivityFilter fed by a real change stream.
#include "models/activityfilter.h"
#include "models/activitymodel.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>

using namespace crm;
using test::newId;
using test::Profile;
using test::Server;
using test::waitUntil;

TEST_CASE("ActivityModel: who changed what, before and after, newest first, filterable",
          "[models][activity]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    ActivityModel activity(*ana.core, 3);
    ActivityFilter filter;
    filter.setSourceModel(&activity);
    QAbstractItemModelTester tester(&activity,
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::Fatal);
    ana.goOnline();
    ben.goOnline();

    const QString id = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("ESC-A")},
                              {QStringLiteral("status"), QStringLiteral("open")}}));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty() && activity.rowCount() == 1; }));
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return activity.rowCount() == 2; }));

    const QModelIndex newest = activity.index(0);
    CHECK(newest.data(ActivityModel::KindRole) == QStringLiteral("updated"));
    CHECK(newest.data(ActivityModel::UserIdRole) == s.ben.userId);
    CHECK(newest.data() == QStringLiteral("ben changed escrow: Status"));
    const auto changes = newest.data(ActivityModel::ChangesRole).toList();
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].toMap().value(QStringLiteral("before")) == QStringLiteral("open"));
    CHECK(changes[0].toMap().value(QStringLiteral("after")) == QStringLiteral("pending"));
    CHECK(activity.index(1).data() == QStringLiteral("ben created escrow ESC-A"));

    // Ana's own change, then the bound: only the three newest stay.
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 1}}));
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), id, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 2}}));
    REQUIRE(waitUntil([&] {
        return ana.outboxEmpty() && activity.index(0).data(ActivityModel::SeqRole).toInt() == 4;
    }));
    CHECK(activity.rowCount() == 3);

    filter.setUser(s.ben.userId);
    CHECK(filter.rowCount() == 1);
    filter.setUser({});
    filter.setModule(QStringLiteral("leads"));
    CHECK(filter.rowCount() == 0);
    filter.setModule({});
    filter.setRecord(id);
    CHECK(filter.rowCount() == 3);
}
