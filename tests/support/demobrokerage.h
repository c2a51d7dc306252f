// The demo brokerage (`crm-server --seed-demo`: Harbor & Pine Realty, Alex Rivera, Sam Okafor,
// Priya Shah... and a few hundred records) in-process, and a demo agent's crm-desktop on it: what
// the screenshots are taken from.
#pragma once

#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "server/crmserver.h"
#include "server/demodata.h"
#include "server/storage/recordstore.h"
#include "server/storage/userdirectory.h"
#include "support/eventloop.h"
#include "ui/mainwindow.h"
#include "ui/recordtablepane.h"

#include <catch2/catch.hpp>
#include <memory>
#include <QTemporaryDir>

namespace crm::test {

// The demo agents the pictures sign in as.
inline const QString kAlex = QStringLiteral("alex@harbor.demo");
inline const QString kSam = QStringLiteral("sam@harbor.demo");

struct DemoBrokerage
{
    DemoBrokerage()
    {
        REQUIRE(dir.isValid());
        CrmServerOptions options;
        options.dataDir = dir.path();
        options.port = 0;
        QString error;
        server = std::make_unique<CrmServer>();
        REQUIRE(server->open(options, &error));
        REQUIRE(DemoData::seed(*server, &error));
        REQUIRE(server->listen(&error));
        url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server->port()));
    }

    Identity who(const QString& email)
    {
        const auto user = server->users().findByEmail(email);
        REQUIRE(user);
        return user->identity;
    }
    QString token(const QString& email) { return server->tokens().issue(who(email)).accessToken; }

    // The id of the escrow numbered `number` that `email` sees.
    QString escrow(const QString& email, const QString& number)
    {
        RecordStore records(server->database());
        qint64 total = 0;
        for (const auto& stored :
             records.list(who(email), QStringLiteral("escrows"), 0, 500, &total)) {
            if (stored.data.value(QStringLiteral("number")).toString() == number)
                return stored.id;
        }
        FAIL("no escrow " << number.toStdString() << " for " << email.toStdString());
        return {};
    }

    // The escrows `email` owns (a teammate's change to one of them is a notification).
    QList<StoredRecord> ownEscrows(const QString& email)
    {
        RecordStore records(server->database());
        qint64 total = 0;
        QList<StoredRecord> own;
        const Identity owner = who(email);
        for (const auto& stored : records.list(owner, QStringLiteral("escrows"), 0, 500, &total)) {
            if (stored.ownerId == owner.userId)
                own.append(stored);
        }
        return own;
    }

    QTemporaryDir dir;
    std::unique_ptr<CrmServer> server; // a pointer, so a test can take the server down
    QUrl url;
};

// One demo agent's desktop: session and main window, signed in and caught up.
struct DemoDesktop
{
    DemoDesktop(DemoBrokerage& demo, const QString& email)
        : session(demo.url, demo.dir.filePath(email.section(u'@', 0, 0)))
    {
        QString error;
        REQUIRE(session.open(&error));
        window = std::make_unique<MainWindow>(workspaceOf(session, demo.url.authority()));
        QObject::connect(&session, &DesktopSession::userKnown, window.get(),
                         [this](const QJsonObject& user) {
                             window->setOwnUser(user.value(QStringLiteral("id")).toString(),
                                                user.value(QStringLiteral("name")).toString());
                         });
        window->show();
        session.goOnline(demo.token(email));
        REQUIRE(waitUntil([&] { return session.engine().isCaughtUp(); }));
        RecordTableModel* escrows = session.table(QStringLiteral("escrows"));
        REQUIRE(waitUntil([&] { return escrows->rowCount() > 0; }));
    }

    RecordTablePane* escrows() const { return window->pane(0); }
    RecordTableModel* table(const QString& module) const { return session.table(module); }

    DesktopSession session;
    std::unique_ptr<MainWindow> window;
};

} // namespace crm::test
