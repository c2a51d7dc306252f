// A record's notes in two crm-desktop windows (offscreen) on one server: what one agent types
// appears in the other's editor as they type, each colleague's caret is drawn in their colour
// with "… is typing" above, Ctrl+Z takes back only one's own text, and text typed offline
// merges on reconnect.
#include "models/presencestore.h"
#include "support/desktopfixture.h"
#include "ui/avatarpalette.h"
#include "ui/notespane.h"
#include "ui/notestextedit.h"
#include "ui/recordeditor.h"

#include <QTemporaryDir>
#include <QTest>

using namespace crm;
using test::createEscrow;
using test::Desktop;
using test::waitUntil;

namespace {

NotesTextEdit* openNotes(Desktop& desk, const QString& id)
{
    desk.escrows()->selectRecord(id);
    NotesPane* pane = desk.window->editor()->notes();
    REQUIRE(waitUntil([&] { return pane->isVisible() && pane->model(); }));
    return pane->editor();
}

// Types at the end of the editor's text, as an agent does.
void typeAtEnd(NotesTextEdit* editor, const QString& text)
{
    editor->setFocus();
    editor->moveCursor(QTextCursor::End);
    QTest::keyClicks(editor, text);
}

} // namespace

TEST_CASE("Desktop notes: two windows type into one note at once, see each other's carets, and "
          "undo only their own text",
          "[desktop][notes]")
{
    test::Server server;
    QTemporaryDir dir;
    Desktop ana(server, server.ana, dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-NOTES"), 450000);
    REQUIRE(
        waitUntil([&] { return ben.session.table(QStringLiteral("escrows"))->rowOf(id) >= 0; }));
    NotesTextEdit* anaEditor = openNotes(ana, id);
    NotesTextEdit* benEditor = openNotes(ben, id);
    NotesPane* anaPane = ana.window->editor()->notes();
    REQUIRE(waitUntil([&] { return anaPane->statusText() == QStringLiteral("Live"); }));

    typeAtEnd(anaEditor, QStringLiteral("Inspection late."));
    REQUIRE(
        waitUntil([&] { return benEditor->toPlainText() == QStringLiteral("Inspection late."); }));
    // Both type at once: Ben at the start, Ana at the end, a line each.
    benEditor->setFocus();
    benEditor->moveCursor(QTextCursor::Start);
    for (const QChar c : QStringLiteral("Ben: ok\n")) {
        if (c == u'\n')
            QTest::keyClick(benEditor, Qt::Key_Return);
        else
            QTest::keyClick(benEditor, c.toLatin1());
        typeAtEnd(anaEditor, QString(QChar(u'!')));
        QApplication::processEvents();
    }
    REQUIRE(waitUntil([&] { return anaEditor->toPlainText() == benEditor->toPlainText(); }));
    CHECK(anaEditor->toPlainText() == QStringLiteral("Ben: ok\nInspection late.!!!!!!!!"));

    // Ben's caret shows in Ana's editor, named, and the header says he is typing.
    REQUIRE(waitUntil([&] { return anaEditor->caretRects().size() == 1; }));
    CHECK(anaEditor->caretRects().first().first == QStringLiteral("ben"));
    CHECK(anaPane->typingText() == QStringLiteral("ben is typing"));
    // It is painted in the colour his avatar has in Ana's window.
    const QRect caret = anaEditor->caretRects().first().second;
    const QImage shot = anaEditor->viewport()->grab().toImage();
    const auto benShown = ana.session.presence().presenceOf(server.ben.userId);
    REQUIRE(benShown);
    CHECK(shot.pixelColor(caret.center()) == AvatarPalette::color(benShown->colorSlot));

    // Ctrl+Z in Ana's editor takes back her "!"s, never Ben's line, in both windows.
    anaEditor->setFocus();
    QTest::keyClick(anaEditor, Qt::Key_Z, Qt::ControlModifier);
    REQUIRE(waitUntil([&] {
        return !benEditor->toPlainText().contains(u'!') &&
               benEditor->toPlainText().startsWith(QStringLiteral("Ben: ok\n"));
    }));
    CHECK(anaEditor->toPlainText() == benEditor->toPlainText());
    QTest::keyClick(anaEditor, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    REQUIRE(waitUntil([&] { return benEditor->toPlainText().contains(u'!'); }));
}

TEST_CASE("Desktop notes: text typed offline waits, says so, and merges on reconnect",
          "[desktop][notes]")
{
    test::Server server;
    QTemporaryDir dir;
    Desktop ana(server, server.ana, dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-OFF"), 390000);
    REQUIRE(
        waitUntil([&] { return ben.session.table(QStringLiteral("escrows"))->rowOf(id) >= 0; }));
    NotesTextEdit* anaEditor = openNotes(ana, id);
    NotesTextEdit* benEditor = openNotes(ben, id);
    NotesPane* anaPane = ana.window->editor()->notes();
    typeAtEnd(anaEditor, QStringLiteral("Loan docs."));
    REQUIRE(waitUntil([&] { return benEditor->toPlainText() == QStringLiteral("Loan docs."); }));

    ana.session.goOffline();
    REQUIRE(waitUntil([&] { return anaPane->statusText().startsWith(QStringLiteral("Offline")); }));
    typeAtEnd(anaEditor, QStringLiteral(" Signed."));
    CHECK(anaPane->statusText() == QStringLiteral("Offline - not sent yet"));
    CHECK(anaPane->statusDetail().contains(QStringLiteral("kept on this computer")));
    typeAtEnd(benEditor, QStringLiteral(" Title clear."));
    ana.session.goOnline(server.token(server.ana));
    REQUIRE(waitUntil([&] {
        return anaEditor->toPlainText() == benEditor->toPlainText() &&
               anaPane->statusText() == QStringLiteral("Live");
    }));
    CHECK(anaEditor->toPlainText().contains(QStringLiteral(" Signed.")));
    CHECK(anaEditor->toPlainText().contains(QStringLiteral(" Title clear.")));
}
