// PresenceStore against the in-process server: who is online, what they view and edit.
#include "models/presencestore.h"
#include "server/socketio/socketioserversession.h"
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
    PresenceStore anaSees(*ana.core);
    PresenceStore benPresence(*ben.core);
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
    const int slot = anaSees.index(row).data(PresenceStore::ColorSlotRole).toInt();
    CHECK(slot >= 0);
    CHECK(slot < PresenceStore::kColorSlots);
    CHECK(PresenceStore::initialsOf(QStringLiteral("Alex  Rivera")) == QStringLiteral("AR"));

    // Ben sets his status and opens a record; Ana's store follows.
    const QString id = newId();
    REQUIRE(ben.engine->edit(QStringLiteral("escrows"), id, Operation::Create,
                             {{QStringLiteral("number"), QStringLiteral("ESC-P")}}));
    REQUIRE(waitUntil([&] { return ben.outboxEmpty(); }));
    benPresence.setOwnStatus(QStringLiteral("busy"));
    benPresence.viewRecord(QStringLiteral("escrows"), id);
    benPresence.editField(QStringLiteral("status"));
    REQUIRE(waitUntil([&] {
        return anaSees.editorOf(QStringLiteral("escrows"), id, QStringLiteral("status")) ==
               s.ben.userId;
    }));
    CHECK(anaSees.presenceOf(s.ben.userId)->status == PresenceStatus::Busy);
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
    PresenceStore anaSees(*ana.core);
    PresenceStore benPresence(*ben.core);
    ana.goOnline();
    benPresence.setOwnStatus(QStringLiteral("away")); // offline: buffered, newest value kept
    benPresence.setOwnStatus(QStringLiteral("busy"));
    ben.goOnline();
    REQUIRE(waitUntil([&] {
        const auto p = anaSees.presenceOf(s.ben.userId);
        return p && p->status == PresenceStatus::Busy;
    }));
}

TEST_CASE("PresenceStore: stale while the link is down, live again with the server's snapshot",
          "[models][presence]")
{
    Server s;
    Profile ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    PresenceStore anaSees(*ana.core);
    QAbstractItemModelTester tester(&anaSees,
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy live(&anaSees, &PresenceStore::liveChanged);
    CHECK_FALSE(anaSees.isLive()); // nothing confirmed before the first snapshot
    ana.goOnline();
    ben.goOnline();
    REQUIRE(waitUntil([&] { return anaSees.isLive() && anaSees.onlineCount() == 2; }));
    CHECK_FALSE(anaSees.index(0).data(PresenceStore::StaleRole).toBool());
    const int benSlot = [&] {
        const auto p = anaSees.presenceOf(s.ben.userId);
        return p ? p->colorSlot : -1;
    }();

    // The server ends ana's session: stale from the moment the link is gone.
    bool staleWhenDropped = false;
    QObject::connect(
        &ana.connection, &ConnectionManager::stateChanged, &anaSees, [&](ConnectionState state) {
            if (state == ConnectionState::Reconnecting)
                staleWhenDropped =
                    !anaSees.isLive() && anaSees.index(0).data(PresenceStore::StaleRole).toBool();
        });
    for (auto* session : s.server.endpoint().sessions()) {
        if (session->sid() == ana.connection.sessionId())
            session->abort();
    }
    REQUIRE(waitUntil([&] { return live.count() >= 3; })); // true, false, true
    CHECK(staleWhenDropped);
    CHECK(live.at(1).at(0).toBool() == false);
    CHECK(anaSees.isLive());
    // The snapshot patched rows in place: the same people, the same colours.
    CHECK(anaSees.onlineCount() == 2);
    CHECK(anaSees.presenceOf(s.ben.userId)->colorSlot == benSlot);

    // Stopped: last known, with when; Ben leaving meanwhile is only learnt back online.
    ana.connection.stop();
    CHECK_FALSE(anaSees.isLive());
    CHECK(anaSees.headerData(0, Qt::Horizontal, PresenceStore::StaleRole).toBool());
    const QDateTime seen = anaSees.index(0).data(PresenceStore::LastSeenRole).toDateTime();
    CHECK(seen.isValid());
    CHECK(seen <= QDateTime::currentDateTimeUtc());
    ben.connection.stop();
    test::spin(300ms);
    CHECK(anaSees.onlineCount() == 2);
    ana.goOnline();
    REQUIRE(waitUntil([&] { return anaSees.isLive() && anaSees.onlineCount() == 1; }));
    CHECK_FALSE(anaSees.presenceOf(s.ben.userId).has_value());
}
