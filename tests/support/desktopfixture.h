// One agent's crm-desktop, offscreen: a real DesktopSession (store, engine, models) and its
// MainWindow signed in to a test server; and the helpers the GUI tests share.
#pragma once

#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "models/recordtablemodel.h"
#include "support/serverfixture.h"
#include "ui/mainwindow.h"
#include "ui/recordtablepane.h"

#include <catch2/catch.hpp>
#include <memory>
#include <QLineEdit>
#include <QTest>

namespace crm::test {

// One agent's desktop: session (store, engine, models) and main window, signed in with a token.
struct Desktop
{
    Desktop(Server& server, const Identity& who, const QString& dir) : session(server.url(), dir)
    {
        QString error;
        REQUIRE(session.open(&error));
        const Workspace workspace = workspaceOf(session, server.url().authority());
        window = std::make_unique<MainWindow>(workspace);
        QObject::connect(&session, &DesktopSession::userKnown, window.get(),
                         [this](const QJsonObject& user) {
                             window->setOwnUser(user.value(QStringLiteral("id")).toString(),
                                                user.value(QStringLiteral("name")).toString());
                         });
        window->show();
        session.goOnline(server.token(who));
        REQUIRE(waitUntil([&] { return session.engine().isCaughtUp(); }));
    }

    RecordTablePane* escrows() const { return window->pane(0); }

    DesktopSession session;
    std::unique_ptr<MainWindow> window;
};

inline QString createEscrow(Desktop& desk, const QString& number, double price)
{
    QString error;
    const QString id = desk.session.table(QStringLiteral("escrows"))
                           ->createRecord({{QStringLiteral("number"), number},
                                           {QStringLiteral("purchasePrice"), price},
                                           {QStringLiteral("status"), QStringLiteral("open")}},
                                          &error);
    INFO(error.toStdString());
    REQUIRE_FALSE(id.isEmpty());
    return id;
}

// `mine` edits offline while `theirs` changes the same fields; back online, `mine` has one
// open conflict on `id`.
inline void makeConflict(Server& server, const Identity& mineWho, Desktop& mine, Desktop& theirs,
                         const QString& id, const QJsonObject& mineFields,
                         const QJsonObject& theirFields)
{
    RecordTableModel* mineTable = mine.session.table(QStringLiteral("escrows"));
    RecordTableModel* theirTable = theirs.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil(
        [&] { return theirTable->rowOf(id) >= 0 && mine.session.store().outbox().count() == 0; }));
    mine.session.goOffline();
    REQUIRE(mineTable->updateRecord(mineTable->rowOf(id), mineFields));
    REQUIRE(theirTable->updateRecord(theirTable->rowOf(id), theirFields));
    REQUIRE(waitUntil([&] { return theirs.session.store().outbox().count() == 0; }));
    mine.session.goOnline(server.token(mineWho));
    REQUIRE(waitUntil([&] { return mine.session.conflicts().rowCount() == 1; }));
}

// Types into a line edit as an agent does: select all, delete, type.
inline void retype(QWidget* editor, const QString& text)
{
    auto* line = qobject_cast<QLineEdit*>(editor);
    REQUIRE(line);
    line->setFocus();
    line->selectAll();
    QTest::keyClick(line, Qt::Key_Backspace);
    QTest::keyClicks(line, text);
}

} // namespace crm::test
