// NotificationModel fed by a real server: teammates' changes to the agent's records, assignments,
// the agent's own conflicts and refusals; never the agent's own work.
#include "models/notificationmodel.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace crm;
using test::newId;
using test::Profile;
using test::Server;
using test::waitUntil;

namespace {

QString title(const NotificationModel& model, int row)
{
    return model.index(row).data(NotificationModel::TitleRole).toString();
}

NotificationModel::Kind kind(const NotificationModel& model, int row)
{
    return model.index(row).data(NotificationModel::KindRole).value<NotificationModel::Kind>();
}

} // namespace

TEST_CASE("NotificationModel: what a teammate did to my records, and what became of my edits",
          "[models][notifications]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    NotificationModel notes(*ana.store, *ana.engine, 4);
    notes.setUserId(s.ana.userId);
    QAbstractItemModelTester tester(&notes, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy notified(&notes, &NotificationModel::notified);
    ana.goOnline();
    ben.goOnline();

    // Ana's own record: creating it tells her nothing.
    const QString escrow = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, QStringLiteral("create"),
                             {{QStringLiteral("number"), QStringLiteral("ESC-N1")},
                              {QStringLiteral("status"), QStringLiteral("open")}}));
    REQUIRE(waitUntil([&] {
        return ana.outboxEmpty() &&
               ben.field(escrow, QStringLiteral("number")) == QStringLiteral("ESC-N1");
    }));
    test::spin(std::chrono::milliseconds(200));
    CHECK(notes.rowCount() == 0);

    // Ben changes it: Ana hears who changed what.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, QStringLiteral("update"),
                             {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 1; }));
    CHECK(kind(notes, 0) == NotificationModel::Kind::Changed);
    CHECK(title(notes, 0) == QStringLiteral("ben changed your escrow “ESC-N1”"));
    CHECK(notes.index(0).data(NotificationModel::DetailRole) == QStringLiteral("Status"));
    CHECK(notes.index(0).data(NotificationModel::RecordIdRole) == escrow);
    CHECK(notes.unreadCount() == 1);
    CHECK(notified.count() == 1);

    // Ben assigns Ana a task.
    const QString task = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("tasks"), task, QStringLiteral("create"),
                             {{QStringLiteral("title"), QStringLiteral("Call the lender")},
                              {QStringLiteral("assigneeId"), s.ana.userId}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 2; }));
    CHECK(kind(notes, 0) == NotificationModel::Kind::Assigned);
    CHECK(title(notes, 0) == QStringLiteral("ben assigned you task “Call the lender”"));

    // Ana's edit that the server refuses.
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, QStringLiteral("update"),
                             {{QStringLiteral("status"), QStringLiteral("bogus")}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 3; }));
    CHECK(kind(notes, 0) == NotificationModel::Kind::Refused);
    CHECK_FALSE(notes.index(0).data(NotificationModel::DetailRole).toString().isEmpty());

    // Ana edits offline while Ben changes the same field: a conflict.
    ana.connection.stop();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, QStringLiteral("update"),
                             {{QStringLiteral("status"), QStringLiteral("closing")}}));
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, QStringLiteral("update"),
                             {{QStringLiteral("status"), QStringLiteral("cancelled")}}));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));
    ana.goOnline();
    REQUIRE(waitUntil([&] { return kind(notes, 0) == NotificationModel::Kind::Conflicted; }));
    CHECK(title(notes, 0).contains(QStringLiteral("choose what to keep")));
    // The bound: four kept, the oldest (Ben's first change) gone, unread counted right.
    CHECK(notes.rowCount() == 4);
    CHECK(notes.unreadCount() == 4);

    notes.markRead(0);
    CHECK(notes.unreadCount() == 3);
    CHECK(notes.index(0).data(NotificationModel::ReadRole).toBool());
    notes.markRead(0); // twice is once
    CHECK(notes.unreadCount() == 3);
    notes.markAllRead();
    CHECK(notes.unreadCount() == 0);

    // Ben deletes Ana's escrow.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, QStringLiteral("delete"), {}));
    REQUIRE(waitUntil([&] { return kind(notes, 0) == NotificationModel::Kind::Deleted; }));
    CHECK(title(notes, 0) == QStringLiteral("ben deleted your escrow"));
    CHECK(notes.unreadCount() == 1);
    CHECK(notes.rowCount() == 4);
}
