// Collaborative notes on crm-server (docs/protocol.md 5.9), spoken by hand over real sockets to
// an in-process server on SQLite, each socket holding a real TextDocument: joins answered with
// what the joiner lacks, updates stored before they are acknowledged and sent to the others,
// refusals that store and send nothing, reach, carets, and the log folded into a snapshot.
#include "crdt/awareness.h"
#include "crdt/textdocument.h"
#include "protocol/changeevent.h"
#include "protocol/mutation.h"
#include "protocol/notemessages.h"
#include "protocol/recordschema.h"
#include "server/storage/recordstore.h"
#include "server/sync/notehub.h"
#include "support/catchqt.h"
#include "support/notesocket.h"
#include "support/restrecords.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QJsonArray>

using namespace crm;
using test::codeOf;
using test::NoteSocket;
using test::Server;
using test::statusOf;
using test::waitUntil;

namespace {

QString createEscrow(Server& s, const Identity& who)
{
    return test::createEscrowOverRest(s, who, QStringLiteral("N-7"));
}

// Every escrow:updated change a socket heard, in order.
QList<ChangeEvent> escrowUpdates(const NoteSocket& socket)
{
    QList<ChangeEvent> out;
    for (const QString& frame : std::as_const(socket.peer.frames)) {
        if (!frame.startsWith(QStringLiteral("42[\"escrow:updated\",")))
            continue;
        const auto event = ChangeEvent::fromJson(
            QJsonDocument::fromJson(frame.mid(2).toUtf8()).array().at(1).toObject());
        REQUIRE(event.ok());
        out.append(event.value());
    }
    return out;
}

} // namespace

TEST_CASE("Notes: two agents type into an escrow's notes at once and end with one text, a third "
          "joining later gets it all from the stored log",
          "[notes]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ana(s.url(), s.token(s.ana), 11);
    NoteSocket ben(s.url(), s.token(s.ben), 12);
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ben.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ana.send(ana.doc.insert(0, u"Inspection late."))) == u"ok");
    REQUIRE(waitUntil([&] { return ben.heard(QStringLiteral("note:update")).size() == 1; }));
    ben.catchUp();
    CHECK(ben.doc.text() == QStringLiteral("Inspection late."));
    // Both type at once, each before hearing the other.
    const QByteArray fromAna = ana.doc.insert(0, u"Ana: ");
    const QByteArray fromBen = ben.doc.insert(16, u" Ben: appraisal booked 😀");
    REQUIRE(statusOf(ana.send(fromAna)) == u"ok");
    REQUIRE(statusOf(ben.send(fromBen)) == u"ok");
    REQUIRE(waitUntil([&] { return ana.heard(QStringLiteral("note:update")).size() == 1; }));
    REQUIRE(waitUntil([&] { return ben.heard(QStringLiteral("note:update")).size() == 2; }));
    ana.catchUp();
    ben.catchUp();
    CHECK(ana.doc.text() == ben.doc.text());
    CHECK(ana.doc.text() == QStringLiteral("Ana: Inspection late. Ben: appraisal booked 😀"));
    // Nobody hears their own update back.
    CHECK(ana.heard(QStringLiteral("note:update")).size() == 1);
    // Joining again on the same socket answers afresh and hears each update once, not twice.
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ben.send(ben.doc.insert(0, u"!"))) == u"ok");
    REQUIRE(waitUntil([&] { return ana.heard(QStringLiteral("note:update")).size() >= 2; }));
    test::spin(std::chrono::milliseconds(200)); // a second copy would have arrived meanwhile
    CHECK(ana.heard(QStringLiteral("note:update")).size() == 2);
    ana.catchUp();
    CHECK(ana.doc.text() == ben.doc.text());

    ana.peer.socket.close();
    ben.peer.socket.close();
    REQUIRE(waitUntil([&] { return s.server.notes().openNotes() == 0; }));
    NoteSocket dee(s.url(), s.token(s.dee), 13);
    REQUIRE(statusOf(dee.join(QStringLiteral("escrows"), escrow)) == u"ok");
    CHECK(dee.doc.text() == ana.doc.text());
    CHECK(s.server.notes().plainText(s.dee, QStringLiteral("escrows"), escrow) == ana.doc.text());
}

TEST_CASE("Notes: an update needing history the server lacks, a malformed one and bad base64 are "
          "refused, nothing is stored or sent, and sending what the server lacks mends it",
          "[notes][malformed]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ana(s.url(), s.token(s.ana), 21);
    NoteSocket ben(s.url(), s.token(s.ben), 22);
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ben.join(QStringLiteral("escrows"), escrow)) == u"ok");
    ana.doc.insert(0, u"written offline");
    const QByteArray second = ana.doc.insert(15, u", then more");
    const QJsonObject missing = ana.send(second);
    CHECK(codeOf(missing) == u"missing_history");
    const auto serverVector = crdt::decodeStateVector(
        QByteArray::fromBase64(missing.value(QStringLiteral("stateVector")).toString().toLatin1()));
    REQUIRE(serverVector);
    CHECK(serverVector->empty());
    CHECK(codeOf(ana.send(QByteArray::fromHex("0101"))) == u"bad_update");
    CHECK(codeOf(ana.send(QByteArray::fromHex("0101150884"))) == u"bad_update");
    QJsonObject notBase64 = NoteUpdate{ana.note, "x"}.toJson();
    notBase64.insert(QStringLiteral("update"), QStringLiteral("**not base64**"));
    CHECK(codeOf(ana.call(QStringLiteral("note:update"), notBase64)) == u"bad_request");
    test::spin(std::chrono::milliseconds(200));
    CHECK(ben.heard(QStringLiteral("note:update")).isEmpty());
    // The sender mends it with what the server lacks: one update, the whole offline edit.
    REQUIRE(statusOf(ana.send(ana.doc.encodeStateAsUpdate(*serverVector))) == u"ok");
    REQUIRE(waitUntil([&] { return ben.heard(QStringLiteral("note:update")).size() == 1; }));
    ben.catchUp();
    CHECK(ben.doc.text() == QStringLiteral("written offline, then more"));
}

TEST_CASE("Notes: nobody outside the record's reach joins or hears anything, modules without "
          "notes refuse, and updates need a join",
          "[notes][access]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ana(s.url(), s.token(s.ana), 31);
    NoteSocket cleo(s.url(), s.token(s.cleo), 32); // the South team
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    CHECK(codeOf(cleo.join(QStringLiteral("escrows"), escrow)) == u"not_found");
    CHECK(codeOf(cleo.join(QStringLiteral("escrows"), test::newId())) == u"not_found");
    CHECK(codeOf(cleo.join(QStringLiteral("appointments"), escrow)) == u"no_notes");
    cleo.note = {QStringLiteral("escrows"), escrow};
    CHECK(codeOf(cleo.send(cleo.doc.insert(0, u"sneaky"))) == u"not_subscribed");
    REQUIRE(statusOf(ana.send(ana.doc.insert(0, u"private"))) == u"ok");
    test::spin(std::chrono::milliseconds(200));
    CHECK(cleo.heard(QStringLiteral("note:update")).isEmpty());
    CHECK_FALSE(s.server.notes().plainText(s.cleo, QStringLiteral("escrows"), escrow));
    CHECK(s.server.notes().plainText(s.ana, QStringLiteral("escrows"), escrow) ==
          QStringLiteral("private"));
}

TEST_CASE("Notes: carets are relayed to the others and leave with their socket", "[notes]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ana(s.url(), s.token(s.ana), 41);
    NoteSocket ben(s.url(), s.token(s.ben), 42);
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ben.join(QStringLiteral("escrows"), escrow)) == u"ok");
    crdt::Awareness anaCaret(41);
    const QJsonObject state{
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Ana")}}}};
    REQUIRE(statusOf(ana.send(anaCaret.setLocalState(state, 0),
                              QStringLiteral("note:awareness"))) == u"ok");
    crdt::Awareness benView(42);
    REQUIRE(waitUntil([&] { return ben.heard(QStringLiteral("note:awareness")).size() == 1; }));
    REQUIRE(std::holds_alternative<crdt::Awareness::Change>(
        benView.apply(ben.heard(QStringLiteral("note:awareness")).first().update, 0)));
    CHECK(benView.states().at(41) == state);
    CHECK(codeOf(ana.send(QByteArray::fromHex("01"), QStringLiteral("note:awareness"))) ==
          u"bad_update");
    // A late joiner gets the carets with the text.
    NoteSocket dee(s.url(), s.token(s.dee), 43);
    const auto joined = NoteJoined::fromJson(dee.join(QStringLiteral("escrows"), escrow));
    REQUIRE(joined.ok());
    crdt::Awareness deeView(43);
    REQUIRE(std::holds_alternative<crdt::Awareness::Change>(
        deeView.apply(joined.value().awareness, 0)));
    CHECK(deeView.states().count(41));

    ana.peer.socket.close();
    REQUIRE(waitUntil([&] { return ben.heard(QStringLiteral("note:awareness")).size() == 2; }));
    const auto gone = benView.apply(ben.heard(QStringLiteral("note:awareness")).last().update, 1);
    REQUIRE(std::holds_alternative<crdt::Awareness::Change>(gone));
    CHECK(std::get<crdt::Awareness::Change>(gone).removed == std::vector<quint64>{41});
}

TEST_CASE("Notes: past the compaction threshold the log is folded into a snapshot and a new "
          "join still gets every character",
          "[notes]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    QString expected;
    {
        NoteSocket ana(s.url(), s.token(s.ana), 51);
        REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
        for (int i = 0; i < NoteHub::kCompactEvery + 25; ++i) {
            REQUIRE(statusOf(ana.send(ana.doc.insert(ana.doc.text().size(),
                                                     QString(QChar(u'a' + i % 26))))) == u"ok");
            if (i % 50 == 49)
                REQUIRE(statusOf(ana.send(ana.doc.remove(i / 2, 3))) == u"ok");
        }
        expected = ana.doc.text();
        ana.peer.socket.close();
        REQUIRE(waitUntil([&] { return s.server.notes().openNotes() == 0; }));
    }
    NoteSocket ben(s.url(), s.token(s.ben), 52);
    REQUIRE(statusOf(ben.join(QStringLiteral("escrows"), escrow)) == u"ok");
    CHECK(ben.doc.text() == expected);
    CHECK(s.server.notes().plainText(s.ben, QStringLiteral("escrows"), escrow) == expected);
}

TEST_CASE("Notes over REST: a script reads the text and whole state, appends with one update that "
          "the note's sockets hear at once, and is refused as sockets are",
          "[notes][rest]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ben(s.url(), s.token(s.ben), 61);
    REQUIRE(statusOf(ben.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ben.send(ben.doc.insert(0, u"Deposit received."))) == u"ok");
    const QString path = QStringLiteral("/api/notes/escrows/") + escrow;

    const auto state = test::restCall(s.url(), s.token(s.ana), "GET", path);
    REQUIRE(state.httpStatus == 200);
    const QJsonObject body = state.body.toObject();
    CHECK(body.value(QStringLiteral("text")) == QStringLiteral("Deposit received."));
    crdt::TextDocument script(62);
    REQUIRE(std::holds_alternative<crdt::TextChanges>(script.apply(
        QByteArray::fromBase64(body.value(QStringLiteral("update")).toString().toLatin1()))));
    const QByteArray append = script.insert(script.text().size(), u"\nSummary: on track.");
    const auto posted =
        test::restCall(s.url(), s.token(s.ana), "POST", path,
                       {{QStringLiteral("update"), QString::fromLatin1(append.toBase64())}});
    CHECK(posted.httpStatus == 200);
    REQUIRE(waitUntil([&] { return ben.heard(QStringLiteral("note:update")).size() == 1; }));
    ben.catchUp();
    CHECK(ben.doc.text() == QStringLiteral("Deposit received.\nSummary: on track."));

    CHECK(test::restCall(s.url(), s.token(s.cleo), "GET", path).httpStatus == 404);
    CHECK(test::restCall(s.url(), s.token(s.ana), "GET", QStringLiteral("/api/notes/tasks/x"))
              .httpStatus == 404);
    const auto bad = test::restCall(s.url(), s.token(s.ana), "POST", path,
                                    {{QStringLiteral("update"), QStringLiteral("AQE=")}});
    CHECK(bad.httpStatus == 422);
    crdt::TextDocument stale(63);
    stale.insert(0, u"a");
    const QByteArray later = stale.insert(1, u"b");
    const auto missing =
        test::restCall(s.url(), s.token(s.ana), "POST", path,
                       {{QStringLiteral("update"), QString::fromLatin1(later.toBase64())}});
    CHECK(missing.httpStatus == 409);
    CHECK(ben.heard(QStringLiteral("note:update")).size() == 1);
}

TEST_CASE("Notes in the activity: a stretch of typing reaches everyone as one change of the "
          "record's shared-notes text when the typist leaves, a script's edit at once, and no "
          "client may write that field",
          "[notes][activity]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ana(s.url(), s.token(s.ana), 71);
    NoteSocket ben(s.url(), s.token(s.ben), 72); // in the team, not in the note
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    const QString typed = QStringLiteral("Inspection is late; call Tom 🏠");
    for (qsizetype i = 0; i < typed.size(); ++i) {
        const qsizetype length = typed.at(i).isHighSurrogate() ? 2 : 1; // a key types a character
        REQUIRE(statusOf(ana.send(ana.doc.insert(i, typed.mid(i, length)))) == u"ok");
        i += length - 1;
    }
    auto changes = [&] { return escrowUpdates(ben); };
    test::spin(std::chrono::milliseconds(300));
    CHECK(changes().isEmpty()); // nothing per keystroke

    REQUIRE(statusOf(ana.call(QStringLiteral("note:leave"),
                              NoteRef{QStringLiteral("escrows"), escrow}.toJson())) == u"ok");
    REQUIRE(waitUntil([&] { return changes().size() == 1; }));
    const ChangeEvent first = changes().first();
    CHECK(first.fields == QJsonObject{{kNotesTextField.toString(), typed}});
    CHECK(first.by.id == s.ana.userId);
    const auto record = s.server.records().find(QStringLiteral("escrows"), escrow);
    REQUIRE(record);
    CHECK(record->data.value(kNotesTextField).toString() == typed);

    // A script's append over REST is one act: recorded at once.
    const QString path = QStringLiteral("/api/notes/escrows/") + escrow;
    crdt::TextDocument script(73);
    script.apply(QByteArray::fromBase64(test::restCall(s.url(), s.token(s.ben), "GET", path)
                                            .body.toObject()
                                            .value(QStringLiteral("update"))
                                            .toString()
                                            .toLatin1()));
    const QByteArray append = script.insert(script.text().size(), u"\nSummary: on track.");
    REQUIRE(test::restCall(s.url(), s.token(s.ben), "POST", path,
                           {{QStringLiteral("update"), QString::fromLatin1(append.toBase64())}})
                .httpStatus == 200);
    REQUIRE(waitUntil([&] { return changes().size() == 2; }));
    CHECK(changes().last().fields.value(kNotesTextField) ==
          typed + QStringLiteral("\nSummary: on track."));
    CHECK(changes().last().by.id == s.ben.userId);

    // Kept by the server: a client writing it is refused, and nothing changes.
    Mutation write;
    write.module = QStringLiteral("escrows");
    write.recordId = escrow;
    write.mutationId = 1;
    write.baseVersion = s.server.records().find(QStringLiteral("escrows"), escrow)->version;
    write.fields = {{kNotesTextField.toString(), QStringLiteral("overwritten")}};
    const QJsonObject refused = ben.call(QStringLiteral("mutate"), write.toJson());
    CHECK(test::codeOf(refused) == u"forbidden_field");
    CHECK(s.server.records()
              .find(QStringLiteral("escrows"), escrow)
              ->data.value(kNotesTextField)
              .toString()
              .endsWith(u"on track."));
}

TEST_CASE("Notes in the activity: two typists are named together on one change, a stray leave "
          "ends nobody's stretch, and a record written back whole with its notes text is taken",
          "[notes][activity]")
{
    Server s;
    const QString escrow = createEscrow(s, s.ana);
    const NoteRef note{QStringLiteral("escrows"), escrow};
    NoteSocket ana(s.url(), s.token(s.ana), 81);
    NoteSocket ben(s.url(), s.token(s.ben), 82);
    NoteSocket dee(s.url(), s.token(s.dee), 83); // watches, never joins
    REQUIRE(statusOf(ana.join(note.module, escrow)) == u"ok");
    REQUIRE(statusOf(ben.join(note.module, escrow)) == u"ok");
    REQUIRE(statusOf(ana.send(ana.doc.insert(0, u"Roof quote due."))) == u"ok");
    ben.catchUp();
    REQUIRE(statusOf(ben.send(ben.doc.insert(ben.doc.text().size(), u" Call Tom."))) == u"ok");

    // A leave from a socket that never joined: nothing is recorded.
    REQUIRE(statusOf(dee.call(QStringLiteral("note:leave"), note.toJson())) == u"ok");
    test::spin(std::chrono::milliseconds(300));
    CHECK(escrowUpdates(dee).isEmpty());

    // Ana leaves: one change holding both typists' text, made by the last typist, naming both.
    REQUIRE(statusOf(ana.call(QStringLiteral("note:leave"), note.toJson())) == u"ok");
    REQUIRE(waitUntil([&] { return escrowUpdates(dee).size() == 1; }));
    const ChangeEvent both = escrowUpdates(dee).first();
    CHECK(both.fields.value(kNotesTextField).toString() ==
          QStringLiteral("Roof quote due. Call Tom."));
    CHECK(both.by.id == s.ben.userId);
    CHECK(both.by.name == s.ben.displayName + QStringLiteral(", ") + s.ana.displayName);
    // Ben leaving afterwards has nothing left to tell.
    REQUIRE(statusOf(ben.call(QStringLiteral("note:leave"), note.toJson())) == u"ok");
    test::spin(std::chrono::milliseconds(300));
    CHECK(escrowUpdates(dee).size() == 1);

    // A script that read the record and writes it whole sends the notes text back unchanged:
    // taken, the text untouched. A changed one is refused.
    const auto record = s.server.records().find(note.module, escrow);
    REQUIRE(record);
    Mutation whole;
    whole.module = note.module;
    whole.recordId = escrow;
    whole.mutationId = 1;
    whole.baseVersion = record->version;
    whole.fields = {{QStringLiteral("escrowCompany"), QStringLiteral("First Pacific")},
                    {kNotesTextField.toString(), record->data.value(kNotesTextField)}};
    CHECK(statusOf(dee.call(QStringLiteral("mutate"), whole.toJson())) == u"applied");
    whole.mutationId = 2;
    whole.fields = {{kNotesTextField.toString(), QStringLiteral("Roof quote due.")}};
    CHECK(test::codeOf(dee.call(QStringLiteral("mutate"), whole.toJson())) == u"forbidden_field");
    const auto after = s.server.records().find(note.module, escrow);
    CHECK(after->data.value(kNotesTextField).toString() ==
          QStringLiteral("Roof quote due. Call Tom."));
    CHECK(after->data.value(QStringLiteral("escrowCompany")).toString() ==
          QStringLiteral("First Pacific"));
}

TEST_CASE("Notes in the activity: a pause ends a stretch of typing, and a long stretch is recorded "
          "on the way, without anyone leaving the note",
          "[notes][activity]")
{
    using namespace std::chrono_literals;
    Server s;
    s.server.notes().setActivityTimings({400ms, 1500ms, 50ms});
    const QString escrow = createEscrow(s, s.ana);
    NoteSocket ana(s.url(), s.token(s.ana), 91);
    NoteSocket dee(s.url(), s.token(s.dee), 92);
    REQUIRE(statusOf(ana.join(QStringLiteral("escrows"), escrow)) == u"ok");
    REQUIRE(statusOf(ana.send(ana.doc.insert(0, u"Lender"))) == u"ok");
    REQUIRE(waitUntil([&] { return escrowUpdates(dee).size() == 1; }));
    CHECK(escrowUpdates(dee).last().fields.value(kNotesTextField) == QStringLiteral("Lender"));

    // Typing on for 2.5 s, a key every 100 ms: recorded at least once while it goes on...
    for (int i = 0; i < 25; ++i) {
        REQUIRE(statusOf(ana.send(ana.doc.insert(ana.doc.text().size(), u"."))) == u"ok");
        test::spin(100ms);
    }
    CHECK(escrowUpdates(dee).size() >= 2);
    // ...and once more at the pause, with everything typed.
    REQUIRE(waitUntil([&] {
        const auto changes = escrowUpdates(dee);
        return changes.last().fields.value(kNotesTextField).toString() == ana.doc.text();
    }));
    test::spin(600ms);
    const auto settled = escrowUpdates(dee).size();
    test::spin(600ms);
    CHECK(escrowUpdates(dee).size() == settled); // nothing more while nobody types
}
