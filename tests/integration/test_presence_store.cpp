// PresenceStore against the in-process server: who is online, what they view and edit.
#include "models/presencestore.h"
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace crm;
using namespace std::chrono_literals;
using test::newId;
using test::Profile;
using test::Server;
using test::waitUntil;

TEST_CASE("PresenceStore: teammates appear, change status, view and edit, and leave",
          "[models][presence]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    PresenceStore anaSees(ana.connection);
    PresenceStore benPresence(ben.connection);
    QAbstractItemModelTester tester(&anaSees,
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy benChanged(&anaSees, &PresenceStore::userChanged);

    ana.goOnline();
    ben.goOnline();
    REQUIRE(waitUntil([&] { return anaSees.presenceOf(s.ben.userId).has_value(); }));
    CHECK(anaSees.onlineCount() == 2);
    const int row = [&] {
        for (int r = 0; r < anaSees.rowCount(); ++r)
            if (anaSees.index(r).data(PresenceStore::UserIdRole) == s.ben.userId)
                return r;
        return -1;
    }();
    REQUIRE(row >= 0);
    CHECK(anaSees.index(row).data(PresenceStore::InitialsRole) == QStringLiteral("B"));
    CHECK(anaSees.index(row).data(PresenceStore::HueRole).toInt() ==
          PresenceStore::hueOf(s.ben.userId));
    CHECK(PresenceStore::initialsOf(QStringLiteral("Alex  Rivera")) == QStringLiteral("AR"));

    // Ben sets his status and opens a record; Ana's store follows.
    const QString id = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, QStringLiteral("create"),
                             {{QStringLiteral("number"), QStringLiteral("ESC-P")}}));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));
    benPresence.setOwnStatus(QStringLiteral("busy"));
    benPresence.viewRecord(QStringLiteral("escrows"), id);
    benPresence.editField(QStringLiteral("status"));
    REQUIRE(waitUntil([&] {
        return anaSees.editorOf(QStringLiteral("escrows"), id, QStringLiteral("status")) ==
               s.ben.userId;
    }));
    CHECK(anaSees.presenceOf(s.ben.userId)->status == QStringLiteral("busy"));
    CHECK(anaSees.viewersOf(QStringLiteral("escrows"), id) == QStringList{s.ben.userId});
    CHECK(anaSees.viewersOf(QStringLiteral("escrows"), id, s.ben.userId).isEmpty());
    CHECK(benChanged.count() >= 3);

    // Ben closes the app: he leaves Ana's list at once.
    ben.connection.stop();
    REQUIRE(waitUntil([&] { return !anaSees.presenceOf(s.ben.userId).has_value(); }));
    CHECK(anaSees.onlineCount() == 1);
}

TEST_CASE("PresenceStore: own presence set while offline goes out after connecting",
          "[models][presence]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    PresenceStore anaSees(ana.connection);
    PresenceStore benPresence(ben.connection);
    ana.goOnline();
    benPresence.setOwnStatus(QStringLiteral("away")); // offline: buffered, newest value kept
    benPresence.setOwnStatus(QStringLiteral("busy"));
    ben.goOnline();
    REQUIRE(waitUntil([&] {
        const auto p = anaSees.presenceOf(s.ben.userId);
        return p && p->status == QStringLiteral("busy");
    }));
}
