// crm-desktop's accounts as the app runs them (DesktopApp), offscreen against a real server:
// File > Switch account tears the account down (window, session, the profile's lock) and signs
// the next one in within the same event loop; a wrong password is said and the dialog stays;
// giving up the sign-in ends the app with status 0.
#include "app/accountsession.h"
#include "app/desktopapp.h"
#include "app/desktopsession.h"
#include "app/linkeventfilter.h"
#include "app/profileinstance.h"
#include "support/serverfixture.h"
#include "support/settingssandbox.h"
#include "ui/mainwindow.h"
#include "ui/signindialog.h"

#include <catch2/catch.hpp>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>

using namespace crm;
using test::waitUntil;

namespace {

SignInDialog* visibleSignIn()
{
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (auto* dialog = qobject_cast<SignInDialog*>(widget); dialog && dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

// Types into the dialog as the agent would and presses Sign in ("this session only", so no
// keychain is involved).
void signInWith(SignInDialog& dialog, const QString& email, const QString& password)
{
    dialog.setEmail(email);
    for (auto* edit : dialog.findChildren<QLineEdit*>()) {
        if (edit->echoMode() == QLineEdit::Password)
            edit->setText(password);
    }
    dialog.findChild<QCheckBox*>()->setChecked(false);
    dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
}

QAction* fileAction(MainWindow& window, const QString& prefix)
{
    for (QAction* menu : window.menuBar()->actions()) {
        if (!menu->menu())
            continue;
        for (QAction* action : menu->menu()->actions()) {
            if (action->text().remove(u'&').startsWith(prefix))
                return action;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("Switch account: the next account opens in the same event loop, the old one's "
          "profile is let go",
          "[ui][accounts]")
{
    test::SettingsSandbox settings;
    test::Server server;
    LinkEventFilter links;
    DesktopApp app(links);
    QSignalSpy finished(&app, &DesktopApp::finished);
    QSignalSpy opened(&app, &DesktopApp::accountOpened);

    AccountLaunch launch;
    launch.server = server.url();
    launch.token = server.token(server.ana);
    launch.profile = server.dir.filePath(QStringLiteral("ana-profile"));
    DesktopApp::Status status = DesktopApp::CannotOpen;
    REQUIRE(app.open(launch, &status));
    CHECK(status == DesktopApp::Done);
    REQUIRE(app.window());
    REQUIRE(waitUntil([&] { return app.session()->engine().isCaughtUp(); }));

    QAction* switchAccount = fileAction(*app.window(), QStringLiteral("Switch account"));
    REQUIRE(switchAccount);
    switchAccount->trigger();
    REQUIRE(waitUntil([&] { return visibleSignIn() != nullptr; }));
    // Ana's window and session are gone, and so is the lock on her profile.
    CHECK(app.window() == nullptr);
    CHECK(app.session() == nullptr);
    {
        ProfileInstance again(launch.profile);
        CHECK(again.claim({}) == ProfileInstance::Claim::Primary);
    }

    SignInDialog* dialog = visibleSignIn();
    CHECK(dialog->server() == server.url().toString());
    SECTION("a wrong password is said, and the dialog stays for another try")
    {
        signInWith(*dialog, QStringLiteral("ben@harbor.test"), QStringLiteral("not the password"));
        REQUIRE(waitUntil([&] {
            auto* error = dialog->findChild<QLabel*>(QStringLiteral("signInError"));
            return error && error->isVisible() && !error->text().isEmpty();
        }));
        CHECK(visibleSignIn() == dialog);
        CHECK(app.window() == nullptr);
        CHECK(finished.isEmpty());
        // Then the right one: Ben's window opens.
        signInWith(*dialog, QStringLiteral("ben@harbor.test"),
                   QStringLiteral("long enough password"));
        REQUIRE(waitUntil([&] { return app.window() != nullptr; }));
    }
    SECTION("Ben signs in: his own window and profile, online")
    {
        signInWith(*dialog, QStringLiteral("ben@harbor.test"),
                   QStringLiteral("long enough password"));
        REQUIRE(waitUntil([&] { return app.window() != nullptr; }));
    }
    CHECK(opened.size() == 2);
    CHECK(opened.last().at(0).toString() ==
          DesktopSession::profileDirFor(server.url(), QStringLiteral("ben@harbor.test")));
    CHECK(app.session()->account().email() == QStringLiteral("ben@harbor.test"));
    REQUIRE(waitUntil([&] { return app.session()->engine().isCaughtUp(); }));
    // The sign-in dialog closing did not end the app (Qt quits on a last window closed by
    // default); closing the account's window does, with status 0.
    CHECK_FALSE(QApplication::quitOnLastWindowClosed());
    CHECK(finished.isEmpty());
    REQUIRE(app.window()->close());
    REQUIRE(waitUntil([&] { return finished.size() == 1; }));
    CHECK(finished.first().at(0).toInt() == DesktopApp::Done);
}

TEST_CASE("Giving up the sign-in ends the app with status 0", "[ui][accounts]")
{
    test::SettingsSandbox settings;
    test::Server server;
    LinkEventFilter links;
    DesktopApp app(links);
    QSignalSpy finished(&app, &DesktopApp::finished);
    AccountLaunch launch;
    launch.server = server.url();
    app.signInThenOpen(launch);
    REQUIRE(waitUntil([&] { return visibleSignIn() != nullptr; }));
    visibleSignIn()->reject();
    REQUIRE(waitUntil([&] { return finished.size() == 1; }));
    CHECK(finished.first().at(0).toInt() == DesktopApp::Done);
    CHECK(app.window() == nullptr);
}

TEST_CASE("A sign-in kept for one session only is asked for again at the next start, in the "
          "window",
          "[ui][accounts]")
{
    test::SettingsSandbox settings;
    test::Server server;
    const QString email = QStringLiteral("ana@harbor.test");
    const QString profile = DesktopSession::profileDirFor(server.url(), email);
    {
        AccountSession last(server.url(), profile);
        REQUIRE(last.wait([&](auto done) {
                        last.signIn(email, QStringLiteral("long enough password"),
                                    AccountSession::Keep::Memory, done);
                    })
                    .ok());
        // What the end of that process does to a sign-in kept in memory: it is gone (the
        // server's session too), account.json stays.
        REQUIRE(last.wait([&](auto done) { last.signOut(done); }).ok());
    }
    // The next start: account.json names Ana, but nothing holds her sign-in any more.
    LinkEventFilter links;
    DesktopApp app(links);
    AccountLaunch launch;
    launch.server = server.url();
    launch.email = email;
    DesktopApp::Status status = DesktopApp::CannotOpen;
    REQUIRE(app.open(launch, &status));
    REQUIRE(waitUntil([&] { return visibleSignIn() != nullptr; }));
    SignInDialog* dialog = visibleSignIn();
    CHECK(dialog->email() == email);
    CHECK(dialog->parentWidget() == app.window()); // over the window, which works offline
    signInWith(*dialog, email, QStringLiteral("long enough password"));
    REQUIRE(waitUntil([&] { return app.session()->engine().isCaughtUp(); }));
}
