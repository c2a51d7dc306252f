// ActivityModel and ActivityFilter fed by a real change stream.
#include "crdt/textdocument.h"
#include "models/activityfilter.h"
#include "models/activitymodel.h"
#include "models/changeexcerpt.h"
#include "models/notificationmodel.h"
#include "models/recordtablemodel.h"
#include "models/recordviewmodel.h"
#include "support/catchqt.h"
#include "support/clientprofile.h"
#include "support/restrecords.h"

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

TEST_CASE("Notes in the client: a teammate's edit of a record's notes is one line of the activity "
          "with the part that changed, and the table's search finds the record by a word in its "
          "notes",
          "[models][activity][notes]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ActivityModel activity(*ana.core);
    RecordTableModel table(*ana.core, QStringLiteral("escrows"));
    RecordViewModel view;
    view.setSourceModel(&table);
    QAbstractItemModelTester tester(&activity,
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester viewTester(&view,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
    NotificationModel notifications(*ana.core);
    notifications.setUserId(s.ana.userId);
    ana.goOnline();
    const QString id = test::createEscrowOverRest(s, s.ana, QStringLiteral("ESC-N"));
    REQUIRE(waitUntil([&] { return table.rowCount() == 1; }));

    // Ben's script writes the notes twice over REST (each a whole act, recorded at once).
    const QString path = QStringLiteral("/api/notes/escrows/") + id;
    crdt::TextDocument script(91);
    auto post = [&](const QByteArray& update) {
        REQUIRE(test::restCall(s.url(), s.token(s.ben), "POST", path,
                               {{QStringLiteral("update"), QString::fromLatin1(update.toBase64())}})
                    .httpStatus == 200);
    };
    post(script.insert(0, QStringLiteral("Buyer wants the inspection report.\nAppraisal "
                                         "ordered from Valley Appraisals, due Friday.")));
    REQUIRE(waitUntil([&] { return activity.rowCount() == 2; }));
    post(script.insert(script.text().indexOf(u"Friday"), QStringLiteral("next ")));
    REQUIRE(waitUntil([&] { return activity.rowCount() == 3; }));

    const QModelIndex newest = activity.index(0);
    CHECK(newest.data() == QStringLiteral("ben edited the notes of escrow ESC-N"));
    const auto changes = newest.data(ActivityModel::ChangesRole).toList();
    REQUIRE(changes.size() == 1);
    const QString before = changes[0].toMap().value(QStringLiteral("before")).toString();
    const QString after = changes[0].toMap().value(QStringLiteral("after")).toString();
    CHECK(before.isEmpty()); // only added: the addition says it all
    CHECK(after == QStringLiteral("…Appraisals, due next Friday."));
    CHECK(after.size() <= 62);

    // Ana owns the escrow: told in one line who edited its notes, the change in the detail.
    REQUIRE(notifications.rowCount() >= 1);
    const QModelIndex told = notifications.index(0);
    CHECK(told.data(NotificationModel::TitleRole) ==
          QStringLiteral("ben edited the notes of your escrow “ESC-N”"));
    CHECK(told.data(NotificationModel::DetailRole) ==
          QStringLiteral("…Appraisals, due next Friday."));

    view.setSearchText(QStringLiteral("valley appraisals"));
    CHECK(view.rowCount() == 1);
    view.setSearchText(QStringLiteral("termite"));
    CHECK(view.rowCount() == 0);
}

TEST_CASE("ChangeExcerpt: the changed part of a long text with a little around it, line breaks "
          "shown, never half a character",
          "[models][activity]")
{
    const QString start = QStringLiteral("Line one.\nLine two has the 🏠 house.");
    const auto inserted = ChangeExcerpt::of(start, QStringLiteral("Line one.\nLine two has the "
                                                                  "🏠 big house."));
    CHECK(inserted.before.isEmpty());
    CHECK(inserted.after == QStringLiteral("…has the 🏠 big house."));
    const auto replaced = ChangeExcerpt::of(
        start, QString(start).replace(QStringLiteral("house"), QStringLiteral("home")));
    CHECK(replaced.before == QStringLiteral("…has the 🏠 house."));
    CHECK(replaced.after == QStringLiteral("…has the 🏠 home."));
    const auto line = ChangeExcerpt::of(start, start + QStringLiteral("\nCall Tom."));
    CHECK(line.after == QStringLiteral("…Call Tom."));
    const auto removed = ChangeExcerpt::of(start, QStringLiteral("Line one."));
    CHECK(removed.before == QStringLiteral("Line one. / Line two has the 🏠 house."));
    CHECK(removed.after == QStringLiteral("Line one."));
    const auto same = ChangeExcerpt::of(start, start);
    CHECK((same.before.isEmpty() && same.after.isEmpty()));
    const auto first = ChangeExcerpt::of({}, start);
    CHECK(first.before.isEmpty());
    CHECK(first.after == QStringLiteral("Line one. / Line two has the 🏠 house."));
    const QString longText = QString(200, u'a') + QStringLiteral("🏠") + QString(200, u'b');
    for (qsizetype at : {190, 195, 200, 202, 210}) {
        const auto cut = ChangeExcerpt::of(longText, QString(longText).insert(at, u'x'), 20);
        for (const QString& text : {cut.before, cut.after}) {
            CAPTURE(at, text);
            for (qsizetype i = 0; i < text.size(); ++i) {
                CHECK(text.at(i).isHighSurrogate() ==
                      (i + 1 < text.size() && text.at(i + 1).isLowSurrogate()));
                CHECK(text.at(i).isLowSurrogate() == (i > 0 && text.at(i - 1).isHighSurrogate()));
            }
        }
    }
}
