// Undo and redo of one's own edits in a shared text (TextUndoManager), carets that keep to
// their characters (RelativePosition), and an external editor's changes as line edits
// (lineChanges). Behaviour next to yjs's own is in test_crdt_yjs.
#include "crdt/relativeposition.h"
#include "crdt/textdiff.h"
#include "crdt/textdocument.h"
#include "crdt/textundomanager.h"
#include "support/catchqt.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>
#include <QJsonObject>
#include <random>

using namespace crm::crdt;

namespace {

void applyOk(TextDocument& doc, const QByteArray& update)
{
    auto result = doc.apply(update);
    if (auto* error = std::get_if<UpdateError>(&result))
        FAIL(error->message.toStdString());
}

// Sends every update of an undo or redo to a colleague's copy.
void deliver(TextDocument& to, const TextUndoManager::Outcome& outcome)
{
    for (const QByteArray& update : outcome.updates)
        applyOk(to, update);
}

} // namespace

TEST_CASE("Ids of a stretch of text, and where those characters stand after others' edits",
          "[crdt][undo]")
{
    TextDocument mine(1), theirs(2);
    applyOk(theirs, mine.insert(0, u"hello world"));
    const auto ids = mine.idRanges(6, 5); // "world"
    REQUIRE(ids.size() == 1);
    CHECK(ids.front() == IdRange{{1, 6}, 5});
    applyOk(mine, theirs.insert(0, u">> "));
    applyOk(mine, theirs.insert(11, u"-")); // inside "world": "wo-rld"
    CHECK(mine.text() == QStringLiteral(">> hello wo-rld"));
    const auto positions = mine.positionsOf(ids);
    CHECK(positions == std::vector<std::pair<qsizetype, qsizetype>>{{9, 2}, {12, 3}});
    applyOk(mine, theirs.remove(9, 6));
    CHECK(mine.positionsOf(ids).empty());
    // A stretch over two writers' runs names both.
    CHECK(mine.idRanges(0, 4) == std::vector<IdRange>{{{2, 0}, 3}, {{1, 0}, 1}});
}

TEST_CASE("A relative position keeps to its character, and its JSON is checked on the way in",
          "[crdt][undo]")
{
    TextDocument mine(1), theirs(2);
    applyOk(theirs, mine.insert(0, u"abcdef"));
    const RelativePosition beforeD = RelativePosition::at(mine, 3);
    const RelativePosition afterC = RelativePosition::at(mine, 3, -1);
    const RelativePosition end = RelativePosition::at(mine, 6);
    const RelativePosition start = RelativePosition::at(mine, 0, -1);
    applyOk(mine, theirs.insert(0, u"12"));
    CHECK(beforeD.resolve(mine) == 5);
    CHECK(afterC.resolve(mine) == 5);
    CHECK(end.resolve(mine) == 8);
    CHECK(start.resolve(mine) == 0);
    // Text typed at the caret: one bound to the right stays before it, the left one after.
    applyOk(mine, theirs.insert(5, u"XY"));
    CHECK(beforeD.resolve(mine) == 7);
    CHECK(afterC.resolve(mine) == 5);
    // Its character deleted: the place where it stood.
    applyOk(mine, theirs.remove(7, 1));
    CHECK(beforeD.resolve(mine) == 7);

    const QJsonObject json = beforeD.toJson(QStringLiteral("notes"));
    CHECK(RelativePosition::fromJson(json, QStringLiteral("notes")) == beforeD);
    // y-quill and y-codemirror send the position object as it is: "type": null for a root.
    QJsonObject asObject = json;
    asObject.insert(QStringLiteral("type"), QJsonValue::Null);
    CHECK(RelativePosition::fromJson(asObject, QStringLiteral("notes")) == beforeD);
    CHECK_FALSE(RelativePosition::fromJson(json, QStringLiteral("other")));
    for (const char* bad :
         {R"({"tname":"notes","item":{"client":-1,"clock":0}})",
          R"({"tname":"notes","item":{"client":1.5,"clock":0}})",
          R"({"tname":"notes","item":{"client":1}})", R"({"tname":"notes","item":"x"})",
          R"({"tname":"notes","assoc":"left"})", R"({"type":{"client":1,"clock":0}})"}) {
        INFO(bad);
        CHECK_FALSE(RelativePosition::fromJson(QJsonDocument::fromJson(bad).object(),
                                               QStringLiteral("notes")));
    }
    CHECK_FALSE(RelativePosition::fromJson(QJsonValue(3), QStringLiteral("notes")));
}

TEST_CASE("Undo takes back one's own edits only, typing within half a second is one step, and "
          "redo brings them again",
          "[crdt][undo]")
{
    TextDocument mine(1), theirs(2);
    TextUndoManager undo(mine);
    applyOk(theirs, undo.insert(0, u"Deposit", 0));
    applyOk(theirs, undo.insert(7, u" due", 200)); // within the capture time: the same step
    applyOk(theirs, undo.insert(11, u" Friday", 900));
    applyOk(mine, theirs.insert(0, u"[Priya] "));
    CHECK(mine.text() == QStringLiteral("[Priya] Deposit due Friday"));

    TextUndoManager::Outcome outcome = undo.undo();
    CHECK(outcome.changes == TextChanges{{19, 7, {}}});
    deliver(theirs, outcome);
    CHECK(mine.text() == QStringLiteral("[Priya] Deposit due"));
    deliver(theirs, undo.undo());
    CHECK(mine.text() == QStringLiteral("[Priya] "));
    CHECK_FALSE(undo.canUndo());
    CHECK(undo.undo().isEmpty());
    deliver(theirs, undo.redo());
    deliver(theirs, undo.redo());
    CHECK(mine.text() == QStringLiteral("[Priya] Deposit due Friday"));
    CHECK(theirs.text() == mine.text());
    CHECK_FALSE(undo.canRedo());

    // A removal undone comes back after the character that stood before it, even when that
    // character itself was removed and brought back in between.
    applyOk(theirs, undo.remove(25, 1, 5000)); // "y"
    applyOk(theirs, undo.remove(24, 1, 6000)); // "a"
    deliver(theirs, undo.undo());
    deliver(theirs, undo.undo());
    CHECK(mine.text() == QStringLiteral("[Priya] Deposit due Friday"));
    // A new edit forgets what could be redone.
    deliver(theirs, undo.undo());
    CHECK(undo.canRedo());
    applyOk(theirs, undo.insert(0, u"!", 9000));
    CHECK_FALSE(undo.canRedo());
    CHECK(theirs.text() == mine.text());
}

TEST_CASE("Random edits, undos and redos by two writers leave both copies equal, and undoing "
          "everything leaves only the colleague's text",
          "[crdt][undo]")
{
    std::mt19937 random(31);
    auto pick = [&](qsizetype bound) {
        return std::uniform_int_distribution<qsizetype>(0, std::max<qsizetype>(bound, 0))(random);
    };
    TextDocument mine(1), theirs(2);
    TextUndoManager undo(mine);
    qint64 now = 0;
    for (int round = 0; round < 400; ++round) {
        const int what = int(pick(9));
        now += 600;
        if (what < 3) {
            applyOk(theirs, undo.insert(pick(mine.text().size()), u"ab", now));
        } else if (what < 4 && !mine.text().isEmpty()) {
            applyOk(theirs, undo.remove(pick(mine.text().size() - 1), pick(3) + 1, now));
        } else if (what < 6) {
            applyOk(mine, theirs.insert(pick(theirs.text().size()), u"XY"));
        } else if (what < 7 && !theirs.text().isEmpty()) {
            applyOk(mine, theirs.remove(pick(theirs.text().size() - 1), 1));
        } else if (what < 8) {
            // The change list an editor applies rebuilds the same text.
            QString shown = mine.text();
            const TextUndoManager::Outcome outcome = undo.undo();
            applyChanges(shown, outcome.changes);
            CHECK(shown == mine.text());
            deliver(theirs, outcome);
        } else {
            deliver(theirs, undo.redo());
        }
        REQUIRE(theirs.text() == mine.text());
    }
    while (undo.canUndo())
        deliver(theirs, undo.undo());
    CHECK(theirs.text() == mine.text());
    CHECK_FALSE(mine.text().contains(u'a'));
    CHECK_FALSE(mine.text().contains(u'b'));
}

TEST_CASE("An external editor's changes become edits of the lines it changed, and rebuild its text",
          "[crdt][undo]")
{
    const QString before = QStringLiteral("a\nb\nc\nd\n");
    CHECK(lineChanges(before, before).empty());
    CHECK(lineChanges(before, QStringLiteral("a\nB\nc\nd\n")) ==
          TextChanges{{2, 1, QStringLiteral("B")}});
    CHECK(lineChanges(before, QStringLiteral("a\nc\nd\nx")) ==
          TextChanges{{2, 2, {}}, {6, 0, QStringLiteral("x")}});
    CHECK(lineChanges({}, QStringLiteral("new")) == TextChanges{{0, 0, QStringLiteral("new")}});

    // Random texts: applied in order, the edits give the editor's text exactly.
    std::mt19937 random(7);
    const QStringList lines{QStringLiteral("Deposit\n"), QStringLiteral("Roof 😀\n"),
                            QStringLiteral("\n"), QStringLiteral("- loan\n"), QStringLiteral("x")};
    auto text = [&] {
        QString made;
        for (int i = int(random() % 12); i > 0; --i)
            made += lines.at(int(random() % lines.size()));
        return made;
    };
    for (int round = 0; round < 500; ++round) {
        const QString a = text(), b = text();
        QString rebuilt = a;
        applyChanges(rebuilt, lineChanges(a, b));
        REQUIRE(rebuilt == b);
    }
    // Merged into a note a colleague changed meanwhile, their line survives the script's edit.
    TextDocument agent(1), colleague(2), script(3);
    const QByteArray first = agent.insert(0, u"one\ntwo\nthree\n");
    applyOk(colleague, first);
    applyOk(script, first); // the script loads the note, then its editor runs
    colleague.replace(0, 3, u"ONE");
    for (const TextChange& change : lineChanges(script.text(), QStringLiteral("one\ntwo\nTHREE\n")))
        script.replace(change.position, change.removed, change.inserted);
    applyOk(colleague, script.encodeStateAsUpdate());
    CHECK(colleague.text() == QStringLiteral("ONE\ntwo\nTHREE\n"));

    // Even in the same line: the colleague strikes a word while the script changes another.
    applyOk(script, colleague.encodeStateAsUpdate());
    applyOk(script, colleague.insert(0, u"Roof 😀 repair, quote due Friday\n"));
    colleague.remove(colleague.text().indexOf(u" repair"), 7);
    for (const TextChange& change : lineChanges(
             script.text(),
             QString(script.text()).replace(QStringLiteral("Friday"), QStringLiteral("Monday"))))
        script.replace(change.position, change.removed, change.inserted);
    applyOk(colleague, script.encodeStateAsUpdate());
    applyOk(script, colleague.encodeStateAsUpdate());
    CHECK(colleague.text() == QStringLiteral("Roof 😀, quote due Monday\nONE\ntwo\nTHREE\n"));
    CHECK(script.text() == colleague.text());
}
