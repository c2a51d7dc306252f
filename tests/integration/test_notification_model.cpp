// NotificationModel fed by a real server: teammates' changes to the agent's records, assignments,
// the agent's own conflicts and refusals; never the agent's own work.
#include "models/notificationmodel.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QJsonValue>
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
    NotificationModel notes(*ana.core, 4);
    notes.setUserId(s.ana.userId);
    QAbstractItemModelTester tester(&notes, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy notified(&notes, &NotificationModel::notified);
    ana.goOnline();
    ben.goOnline();

    // Ana's own record: creating it tells her nothing.
    const QString escrow = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("ESC-N1")},
                              {QStringLiteral("status"), QStringLiteral("open")}}));
    REQUIRE(waitUntil([&] {
        return ana.outboxEmpty() &&
               ben.field(escrow, QStringLiteral("number")) == QStringLiteral("ESC-N1");
    }));
    test::spin(std::chrono::milliseconds(200));
    CHECK(notes.rowCount() == 0);

    // Ben changes it: Ana hears who changed what.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 1; }));
    CHECK(kind(notes, 0) == NotificationModel::Kind::Changed);
    CHECK(title(notes, 0) ==
          QStringLiteral("ben changed the status of your escrow “ESC-N1”: Open → Pending"));
    CHECK(notes.index(0).data(NotificationModel::DetailRole).toString().isEmpty());
    CHECK(notes.index(0).data(NotificationModel::RecordIdRole) == escrow);
    CHECK(notes.unreadCount() == 1);
    CHECK(notified.count() == 1);

    // Ben assigns Ana a task.
    const QString task = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("tasks"), task, Operation::Create,
                             {{QStringLiteral("title"), QStringLiteral("Call the lender")},
                              {QStringLiteral("assigneeId"), s.ana.userId}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 2; }));
    CHECK(kind(notes, 0) == NotificationModel::Kind::Assigned);
    CHECK(title(notes, 0) == QStringLiteral("ben assigned you task “Call the lender”"));

    // Ana's edit that the server refuses.
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("bogus")}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 3; }));
    CHECK(kind(notes, 0) == NotificationModel::Kind::Refused);
    CHECK_FALSE(notes.index(0).data(NotificationModel::DetailRole).toString().isEmpty());

    // Ana edits offline while Ben changes the same field: a conflict.
    ana.connection.stop();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("closing")}}));
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
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
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Delete, {}));
    REQUIRE(waitUntil([&] { return kind(notes, 0) == NotificationModel::Kind::Deleted; }));
    CHECK(title(notes, 0) == QStringLiteral("ben deleted your escrow “ESC-N1”"));
    CHECK(notes.unreadCount() == 1);
    CHECK(notes.rowCount() == 4);
}

TEST_CASE("NotificationModel: a change names the record and says each field before and after",
          "[models][notifications]")
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); // as crm-desktop does
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    NotificationModel notes(*ana.core);
    notes.setUserId(s.ana.userId);
    QAbstractItemModelTester tester(&notes, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy notified(&notes, &NotificationModel::notified);
    ana.goOnline();
    ben.goOnline();

    // Ana's escrow, her buyer-to-be and her lead.
    const QString escrow = newId();
    const QString client = newId();
    const QString lead = newId();
    REQUIRE(ana.engine->edit(QStringLiteral("escrows"), escrow, Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("ESC-26867")},
                              {QStringLiteral("purchasePrice"), 450000},
                              {QStringLiteral("status"), QStringLiteral("open")}}));
    REQUIRE(ana.engine->edit(QStringLiteral("clients"), client, Operation::Create,
                             {{QStringLiteral("name"), QStringLiteral("Sam Okafor")}}));
    REQUIRE(ana.engine->edit(
        QStringLiteral("leads"), lead, Operation::Create,
        {{QStringLiteral("name"), QStringLiteral("Priya Shah")}, {QStringLiteral("score"), 40}}));
    REQUIRE(waitUntil([&] {
        return ana.outboxEmpty() && ben.store->cache().record(QStringLiteral("escrows"), escrow) &&
               ben.store->cache().record(QStringLiteral("clients"), client) &&
               ben.store->cache().record(QStringLiteral("leads"), lead);
    }));

    // One field: the sentence says which record, which field, from what to what.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("purchasePrice"), 465000}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 1; }));
    CHECK(title(notes, 0) == QStringLiteral("ben changed the purchase price of your escrow "
                                            "“ESC-26867”: $450,000 → $465,000"));
    const qint64 first = notes.index(0).data(NotificationModel::IdRole).toLongLong();
    CHECK(notified.last().first().toLongLong() == first);

    // A lead by its name; a number as a number.
    REQUIRE(ben.engine->edit(QStringLiteral("leads"), lead, Operation::Update,
                             {{QStringLiteral("score"), 85}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 2; }));
    CHECK(title(notes, 0) ==
          QStringLiteral("ben changed the score of your lead “Priya Shah”: 40 → 85"));

    // A reference by the referenced record's name, set where there was none.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("buyerClientId"), client}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 3; }));
    CHECK(title(notes, 0) ==
          QStringLiteral("ben set the buyer of your escrow “ESC-26867” to Sam Okafor"));

    // Several fields: counted in the sentence, each before and after in the detail.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("status"), QStringLiteral("pending")},
                              {QStringLiteral("closeDate"), QStringLiteral("2027-01-22")}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 4; }));
    CHECK(title(notes, 0) == QStringLiteral("ben changed 2 fields of your escrow “ESC-26867”"));
    const QStringList lines =
        notes.index(0).data(NotificationModel::DetailRole).toString().split(u'\n');
    CHECK(lines.contains(QStringLiteral("Status: Open → Pending")));
    CHECK(lines.contains(QStringLiteral("Close date: empty → 1/22/27")));

    // A renamed record is named by its new name; a cleared value says what it was.
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), escrow, Operation::Update,
                             {{QStringLiteral("buyerClientId"), QJsonValue::Null}}));
    REQUIRE(waitUntil([&] { return notes.rowCount() == 5; }));
    CHECK(title(notes, 0) ==
          QStringLiteral("ben cleared the buyer of your escrow “ESC-26867” (was Sam Okafor)"));

    // Ids stay with their notification while rows move.
    CHECK(notes.rowOfId(first) == 4);
    notes.markRead(notes.rowOfId(first));
    CHECK(notes.index(4).data(NotificationModel::ReadRole).toBool());
    CHECK(notes.rowOfId(-1) == -1);
}
