// examples/notes-peer (the stock npm yjs, y-protocols and socket.io-client, as a web editor
// uses them) and crm-desktop's core in one note on an in-process crm-server: each sees what the
// other types, and the web peer's caret shows in crm-desktop with its name.
#include "support/clientprofile.h"

#include <catch2/catch.hpp>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

using namespace crm;
using test::Profile;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

TEST_CASE("A web peer on the stock yjs and socket.io-client writes a note with crm-desktop",
          "[interop][notes]")
{
    const QString script = QStringLiteral(CRM_EXAMPLES_DIR "/notes-peer/notes-peer.js");
    REQUIRE(QFileInfo::exists(QStringLiteral(CRM_NODE_EXECUTABLE)));
    REQUIRE(QFileInfo::exists(QStringLiteral(CRM_EXAMPLES_DIR "/notes-peer/node_modules/yjs")));
    Server s;
    QTemporaryDir dir;
    Profile ana(s, s.ana, dir.filePath(QStringLiteral("ana.sqlite")));
    ana.goOnline();
    const auto made = ana.core->create(QStringLiteral("escrows"),
                                       {{QStringLiteral("number"), QStringLiteral("ESC-WEB")}});
    REQUIRE(made.ok());
    REQUIRE(waitUntil([&] { return ana.outboxEmpty(); }));
    NoteSession* note = ana.core->openNote(
        {QStringLiteral("escrows"), made.recordId},
        {QStringLiteral("Ana"), QStringLiteral("#0e7490"), QStringLiteral("ana-id")});
    REQUIRE(waitUntil([&] { return note->sync() == NoteSession::Sync::Live; }));
    REQUIRE(note->edit(0, 0, QStringLiteral("From the desktop. ")));

    QProcess peer;
    peer.start(QStringLiteral(CRM_NODE_EXECUTABLE),
               {script, QStringLiteral("--server"), s.url().toString(), QStringLiteral("--token"),
                s.token(s.ben), QStringLiteral("--module"), QStringLiteral("escrows"),
                QStringLiteral("--id"), made.recordId, QStringLiteral("--name"),
                QStringLiteral("Ben (web)"), QStringLiteral("--type"),
                QStringLiteral("From the web, é😀."), QStringLiteral("--watch"),
                QStringLiteral("2")});
    REQUIRE(peer.waitForStarted());
    // The web peer's characters arrive as it types, and its caret shows, named.
    REQUIRE(
        waitUntil([&] { return note->text().endsWith(QStringLiteral("From the web, é😀.")); }, 20s));
    REQUIRE(waitUntil([&] { return !note->carets().isEmpty(); }));
    CHECK(note->carets().first().name == QStringLiteral("Ben (web)"));
    CHECK(note->carets().first().head == note->text().size());
    // What the desktop types while the peer watches reaches it.
    REQUIRE(note->edit(0, 0, QStringLiteral("NB ")));
    REQUIRE(waitUntil([&] { return peer.state() == QProcess::NotRunning; }, 30s));
    const QString out = QString::fromUtf8(peer.readAllStandardOutput());
    INFO(out.toStdString() << QString::fromUtf8(peer.readAllStandardError()).toStdString());
    CHECK(peer.exitCode() == 0);
    CHECK(out.contains(QStringLiteral("final: \"NB From the desktop. From the web, é😀.\"")));
    CHECK(note->text() == QStringLiteral("NB From the desktop. From the web, é😀."));
    // Its leaving takes its caret away at once.
    REQUIRE(waitUntil([&] { return note->carets().isEmpty(); }));
}
