// A record's notes on the client (core/NoteSession over a real in-process crm-server and real
// profile stores): two profiles typing at once converge, carets name their writers, edits made
// offline wait in the profile across a restart and arrive exactly once, undo takes back one's
// own edits only, and a note out of reach is read-only with the reason.
#include "support/catchqt.h"
#include "support/clientprofile.h"
#include "support/restrecords.h"

#include <catch2/catch.hpp>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace crm;
using test::Profile;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

namespace {

QString createEscrow(Server& s, const Identity& who)
{
    return test::createEscrowOverRest(s, who, QStringLiteral("N-8"));
}

// The note's text as the server keeps it (REST, text/plain).
QString serverText(Server& s, const Identity& who, const QString& id)
{
    const auto reply = test::restCall(s.url(), s.token(who), "GET",
                                      QStringLiteral("/api/notes/escrows/%1").arg(id));
    REQUIRE(reply.httpStatus == 200);
    return reply.body.toObject().value(QStringLiteral("text")).toString();
}

NoteSession* open(Profile& profile, const QString& id, const QString& name)
{
    return profile.core->openNote({QStringLiteral("escrows"), id},
                                  {name, QStringLiteral("#0e7490"), name.toLower()});
}

// Ana and Ben, both online with one escrow's notes open and live.
struct TwoWriters
{
    TwoWriters()
        : id(createEscrow(s, s.ana)), ana(s, s.ana, dir.filePath(QStringLiteral("ana.sqlite"))),
          ben(s, s.ben, dir.filePath(QStringLiteral("ben.sqlite")))
    {
        ana.goOnline();
        ben.goOnline();
        anaNote = open(ana, id, QStringLiteral("Ana"));
        benNote = open(ben, id, QStringLiteral("Ben"));
        REQUIRE(waitUntil([&] {
            return anaNote->sync() == NoteSession::Sync::Live &&
                   benNote->sync() == NoteSession::Sync::Live;
        }));
    }

    Server s;
    QTemporaryDir dir;
    QString id;
    Profile ana;
    Profile ben;
    NoteSession* anaNote = nullptr;
    NoteSession* benNote = nullptr;
};

} // namespace

TEST_CASE("Notes: two profiles typing at once end with one text, and carets name their writers",
          "[notes]")
{
    TwoWriters w;
    Server& s = w.s;
    const QString& id = w.id;
    Profile& ana = w.ana;
    Profile& ben = w.ben;
    NoteSession* anaNote = w.anaNote;
    NoteSession* benNote = w.benNote;
    // The same note opened twice in one window is one session.
    CHECK(open(ana, id, QStringLiteral("Ana")) == anaNote);
    ana.core->closeNote(anaNote);

    REQUIRE(anaNote->edit(0, 0, QStringLiteral("Inspection Monday.")));
    REQUIRE(waitUntil([&] { return benNote->text() == anaNote->text(); }));
    // Both type at once, at the same place and elsewhere.
    for (int i = 0; i < 20; ++i) {
        REQUIRE(anaNote->edit(anaNote->text().size(), 0, QStringLiteral("x")));
        REQUIRE(benNote->edit(0, 0, QStringLiteral("z")));
    }
    REQUIRE(waitUntil([&] {
        return benNote->text() == anaNote->text() && anaNote->unsentCount() == 0 &&
               benNote->unsentCount() == 0;
    }));
    CHECK(anaNote->text().count(u'x') == 20);
    CHECK(anaNote->text().count(u'z') == 20);
    CHECK(serverText(s, s.ana, id) == anaNote->text());

    // Ben selects "Inspection": Ana sees his selection, named, and that he is typing.
    benNote->setCaret(20, 30);
    REQUIRE(waitUntil([&] { return anaNote->carets().size() == 1; }));
    const NoteSession::Caret caret = anaNote->carets().first();
    CHECK(caret.name == QStringLiteral("Ben"));
    CHECK(caret.color == QStringLiteral("#0e7490"));
    CHECK(caret.userId == QStringLiteral("ben"));
    CHECK(caret.anchor == 20);
    CHECK(caret.head == 30);
    CHECK(anaNote->typing() == QStringList{QStringLiteral("Ben")});
    // Ana types before it: his selection moves with its characters.
    REQUIRE(anaNote->edit(0, 0, QStringLiteral(">> ")));
    CHECK(anaNote->carets().first().anchor == 23);
    // Ben closes the note: his caret goes at once, not after 30 s.
    ben.core->closeNote(benNote);
    REQUIRE(waitUntil([&] { return anaNote->carets().isEmpty(); }));
}

TEST_CASE("Notes: edits made offline wait in the profile across a restart and arrive exactly "
          "once, whatever others typed meanwhile",
          "[notes]")
{
    Server s;
    QTemporaryDir dir;
    const QString id = createEscrow(s, s.ana);
    const QString benPath = dir.filePath(QStringLiteral("ben.sqlite"));
    Profile ana(s, s.ana, dir.filePath(QStringLiteral("ana.sqlite")));
    ana.goOnline();
    NoteSession* anaNote = open(ana, id, QStringLiteral("Ana"));
    REQUIRE(waitUntil([&] { return anaNote->sync() == NoteSession::Sync::Live; }));
    REQUIRE(anaNote->edit(0, 0, QStringLiteral("Appraisal due Friday.")));
    {
        Profile ben(s, s.ben, benPath);
        ben.goOnline();
        NoteSession* benNote = open(ben, id, QStringLiteral("Ben"));
        REQUIRE(waitUntil([&] { return benNote->text() == anaNote->text(); }));
        ben.core->stop();
        REQUIRE(waitUntil([&] { return benNote->sync() == NoteSession::Sync::Offline; }));
        // Offline: the note keeps working on the local copy, and says what waits.
        REQUIRE(benNote->edit(0, 0, QStringLiteral("[Ben offline] ")));
        REQUIRE(benNote->edit(benNote->text().size() - 1, 1, QStringLiteral("!")));
        CHECK(benNote->unsentCount() == 2);
        CHECK(ben.core->unsentNoteEdits() == 2);
        // On disk the moment edit() returned: what a process started after a kill -9 reads.
        QString error;
        auto afterKill = LocalStore::open(benPath, &error);
        REQUIRE(afterKill);
        const NoteStore::Saved onDisk = afterKill->notes().load({QStringLiteral("escrows"), id});
        CHECK(onDisk.unsent == 2);
        ben.core->closeNote(benNote);
    } // the app quits with its edits unsent
    REQUIRE(anaNote->edit(0, 0, QStringLiteral("[Ana] ")));

    Profile ben(s, s.ben, benPath);
    NoteSession* benNote = open(ben, id, QStringLiteral("Ben"));
    // Back from the profile before any network: his own edits, still waiting.
    CHECK(benNote->text() == QStringLiteral("[Ben offline] Appraisal due Friday!"));
    CHECK(benNote->unsentCount() == 2);
    // His caret, put before "Appraisal" while offline, keeps to that word whatever arrives.
    benNote->setCaret(14, 14);
    ben.goOnline();
    REQUIRE(waitUntil(
        [&] { return benNote->unsentCount() == 0 && benNote->text() == anaNote->text(); }));
    CHECK(anaNote->text().count(QStringLiteral("[Ben offline]")) == 1);
    CHECK(anaNote->text().count(QStringLiteral("[Ana]")) == 1);
    CHECK(anaNote->text().endsWith(QStringLiteral("Friday!")));
    CHECK(serverText(s, s.ana, id) == anaNote->text());
    REQUIRE(waitUntil([&] { return anaNote->carets().size() == 1; }));
    CHECK(anaNote->carets().first().head == anaNote->text().indexOf(QStringLiteral("Appraisal")));
    // Joining again sends nothing twice.
    ben.core->stop();
    ben.goOnline();
    REQUIRE(waitUntil([&] { return benNote->sync() == NoteSession::Sync::Live; }));
    CHECK(serverText(s, s.ana, id).count(QStringLiteral("[Ben offline]")) == 1);
}

TEST_CASE("Notes: undo and redo take back only one's own edits, on every peer", "[notes]")
{
    TwoWriters w;
    NoteSession* anaNote = w.anaNote;
    NoteSession* benNote = w.benNote;
    REQUIRE(anaNote->edit(0, 0, QStringLiteral("Seller credit 2000.")));
    REQUIRE(waitUntil([&] { return benNote->text() == anaNote->text(); }));
    REQUIRE(benNote->edit(benNote->text().size(), 0, QStringLiteral(" Agreed.")));
    REQUIRE(waitUntil([&] { return anaNote->text() == benNote->text(); }));
    QSignalSpy shown(anaNote, &NoteSession::textChanged);
    anaNote->undo();
    CHECK(anaNote->text() == QStringLiteral(" Agreed."));
    // The editor hears the change, marked as its own.
    REQUIRE(shown.size() == 1);
    CHECK(shown.first().at(1).toBool());
    REQUIRE(waitUntil([&] { return benNote->text() == QStringLiteral(" Agreed."); }));
    anaNote->redo();
    REQUIRE(waitUntil(
        [&] { return benNote->text() == QStringLiteral("Seller credit 2000. Agreed."); }));
    CHECK(benNote->canUndo()); // his own edit is his to undo
    benNote->undo();
    REQUIRE(waitUntil([&] { return anaNote->text() == QStringLiteral("Seller credit 2000."); }));
}

TEST_CASE("Notes: a record out of reach is read-only with the reason, and nothing is sent",
          "[notes]")
{
    Server s;
    QTemporaryDir dir;
    const QString id = createEscrow(s, s.ana);
    Profile cleo(s, s.cleo, dir.filePath(QStringLiteral("cleo.sqlite"))); // another team
    cleo.goOnline();
    NoteSession* note = open(cleo, id, QStringLiteral("Cleo"));
    REQUIRE(waitUntil([&] { return note->sync() == NoteSession::Sync::Refused; }));
    CHECK_FALSE(note->problem().isEmpty());
    CHECK_FALSE(note->edit(0, 0, QStringLiteral("x")));
    CHECK(note->text().isEmpty());
    CHECK(note->unsentCount() == 0);
    CHECK(serverText(s, s.ana, id).isEmpty());
}

TEST_CASE("Notes: a paste larger than one event goes in pieces, arrives whole and is one undo",
          "[notes]")
{
    TwoWriters w;
    NoteSession* anaNote = w.anaNote;
    NoteSession* benNote = w.benNote;
    // 700 KB of UTF-8, emoji included: more than NoteUpdate::kMaxBytes in one update.
    QString paste;
    while (paste.size() < 300000)
        paste += QStringLiteral("é😀ab");
    REQUIRE(anaNote->edit(0, 0, paste));
    REQUIRE(
        waitUntil([&] { return benNote->text() == paste && anaNote->unsentCount() == 0; }, 60s));
    CHECK(anaNote->problem().isEmpty());
    anaNote->undo();
    REQUIRE(waitUntil([&] { return benNote->text().isEmpty(); }, 60s));
}
