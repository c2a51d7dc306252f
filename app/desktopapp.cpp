#include "app/desktopapp.h"

#include "app/conflictdecision.h"
#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "app/linkeventfilter.h"
#include "app/profileinstance.h"
#include "app/recordopener.h"
#include "app/signinflow.h"
#include "ui/mainwindow.h"
#include "ui/signindialog.h"

#include <QApplication>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QThread>
#include <QTimer>

namespace crm {

namespace {

// An error that may quote what came from outside (a link, a file name): shown as plain text,
// never interpreted as markup.
void showError(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox box(QMessageBox::Critical, title, text, QMessageBox::Ok, parent);
    box.setTextFormat(Qt::PlainText);
    box.exec();
}

// Brings the window to the front for a later launch (a crm:// link clicked in a browser),
// with the launcher's activation token where the compositor wants one (Wayland), and keeps an
// open dialog above it.
void raise(QWidget& window, const QString& activationToken)
{
    if (!activationToken.isEmpty())
        qputenv("XDG_ACTIVATION_TOKEN", activationToken.toUtf8());
    window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    window.show();
    window.raise();
    window.activateWindow();
    if (QWidget* modal = QApplication::activeModalWidget()) {
        modal->raise();
        modal->activateWindow();
    }
}

QString profileFor(const AccountLaunch& launch)
{
    if (!launch.profile.isEmpty())
        return launch.profile;
    return DesktopSession::profileDirFor(
        launch.server, launch.email.isEmpty() ? QStringLiteral("token") : launch.email);
}

} // namespace

// Declared in the order they are made: destroyed in reverse, the opener and the window (which
// hold the session's models) before the session, the profile's lock last.
struct DesktopApp::Account
{
    AccountLaunch launch;
    std::unique_ptr<ProfileInstance> instance;
    std::unique_ptr<DesktopSession> session;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<RecordOpener> opener;
    bool leaving = false; // switching account or signing out: no second request
};

DesktopApp::DesktopApp(LinkEventFilter& links, QObject* parent) : QObject(parent), m_links(links)
{
    // Between accounts the only window is a sign-in dialog; its closing must not end the app
    // (Qt would quit on it): the account's window closing does (MainWindow::closed), or giving
    // up the sign-in.
    QApplication::setQuitOnLastWindowClosed(false);
}

DesktopApp::~DesktopApp()
{
    closeAccount();
}

MainWindow* DesktopApp::window() const
{
    return m_account ? m_account->window.get() : nullptr;
}

DesktopSession* DesktopApp::session() const
{
    return m_account ? m_account->session.get() : nullptr;
}

bool DesktopApp::open(AccountLaunch launch, Status* status)
{
    closeAccount();
    launch.profile = profileFor(launch);
    auto account = std::make_unique<Account>();
    account->launch = launch;
    // One process per profile: a later launch hands its request to this one and exits.
    account->instance = std::make_unique<ProfileInstance>(launch.profile);
    switch (account->instance->claim(launch.request.toArguments())) {
    case ProfileInstance::Claim::Primary:
        break;
    case ProfileInstance::Claim::HandedOff:
        *status = Done;
        return false;
    case ProfileInstance::Claim::Busy:
        showError(nullptr, tr("Already open"), account->instance->error());
        *status = ProfileBusy;
        return false;
    case ProfileInstance::Claim::Refused:
        showError(nullptr, tr("Cannot open the local copy"), account->instance->error());
        *status = CannotOpen;
        return false;
    }
    account->session = std::make_unique<DesktopSession>(launch.server, launch.profile);
    QString error;
    if (!account->session->open(&error)) {
        showError(nullptr, tr("Cannot open the local copy"), error);
        *status = CannotOpen;
        return false;
    }
    DesktopSession& session = *account->session;
    account->window = std::make_unique<MainWindow>(workspaceOf(session, launch.server.authority()));
    MainWindow& window = *account->window;
    // As the agent left it; a screenshot run shows (and keeps) the defaults.
    if (launch.screenshot.isEmpty())
        window.restoreLayout();
    const QStringList parts = launch.geometry.split(QRegularExpression(QStringLiteral("[x+]")));
    if (parts.size() == 4)
        window.setGeometry(parts[2].toInt(), parts[3].toInt(), parts[0].toInt(), parts[1].toInt());
    connect(&window, &MainWindow::conflictDecided, &session,
            [&session, &window](qint64 id, ConflictDialog::Decision decision,
                                const QJsonObject& merged) {
                const auto result = applyConflictDecision(session.core(), id, decision, merged);
                if (!result.ok())
                    QMessageBox::warning(&window, tr("The conflict was not settled"),
                                         result.message);
            });
    connect(&session, &DesktopSession::userKnown, &window, [&window](const QJsonObject& user) {
        window.setOwnUser(user.value(QStringLiteral("id")).toString(),
                          user.value(QStringLiteral("name")).toString());
    });
    // The sign-in ended (expired, revoked): keep working on the local copy, ask again.
    // Queued: a sign-in the profile does not hold ("this session only" last time) fails at
    // once inside goOnline() below, before this account is the open one.
    connect(&session, &DesktopSession::signInNeeded, this, &DesktopApp::askToSignInAgain,
            Qt::QueuedConnection);
    window.show();
    session.goOnline(launch.token);

    account->opener = std::make_unique<RecordOpener>(window, session);
    RecordOpener& opener = *account->opener;
    opener.show(m_links.takePending().value_or(launch.request));
    connect(account->instance.get(), &ProfileInstance::argumentsReceived, &window,
            [&window, &opener](const QStringList& arguments, const QString& activation) {
                raise(window, activation);
                if (const auto later = LaunchRequest::fromArguments(arguments))
                    opener.show(*later);
            });
    // macOS hands links to the running app as events, not as a new process.
    connect(&m_links, &LinkEventFilter::requested, &window,
            [this, &window, &opener](const LaunchRequest& request) {
                m_links.takePending();
                raise(window, {});
                opener.show(request);
            });
    connect(&m_links, &LinkEventFilter::refused, &window,
            [&window](const QString& why) { showError(&window, tr("Cannot open the link"), why); });
    if (!launch.screenshot.isEmpty()) {
        QTimer::singleShot(launch.screenshotDelay, &window, [this, &window, launch] {
            emit finished(window.grab().save(launch.screenshot) ? Done : CannotOpen);
        });
    }
    connect(&window, &MainWindow::closed, this, [this] { emit finished(Done); });
    // Both come from the window's own menus: the account is torn down after they return.
    connect(&window, &MainWindow::switchAccountRequested, this, [this] { leave(); });
    connect(&window, &MainWindow::signOutRequested, this, [this, &session, &window] {
        if (m_account->leaving)
            return;
        // The server ends this session's socket too; that is no reason to ask for a sign-in.
        disconnect(&session, &DesktopSession::signInNeeded, this, nullptr);
        // Nothing more to do in this account while the sign-out is on its way (no dialog may be
        // open when the window goes).
        m_account->leaving = true;
        window.setEnabled(false);
        session.account().signOut([this](const AccountSession::Outcome&) {
            QMetaObject::invokeMethod(this, &DesktopApp::switchAccount, Qt::QueuedConnection);
        });
    });
    m_account = std::move(account);
    emit accountOpened(launch.profile);
    *status = Done;
    return true;
}

void DesktopApp::closeAccount()
{
    if (!m_account)
        return;
    if (m_account->window)
        m_account->window->saveLayout(); // switching account closes no window by hand
    m_account.reset();
}

void DesktopApp::leave()
{
    if (!m_account || m_account->leaving)
        return;
    m_account->leaving = true;
    QMetaObject::invokeMethod(this, &DesktopApp::switchAccount, Qt::QueuedConnection);
}

void DesktopApp::switchAccount()
{
    if (!m_account)
        return;
    // The window goes with its children: never from inside a dialog's own event loop (a
    // message box opened meanwhile); once that loop has returned.
    if (QThread::currentThread()->loopLevel() > 1 || QApplication::activeModalWidget()) {
        if (QWidget* modal = QApplication::activeModalWidget())
            modal->close();
        QTimer::singleShot(50, this, &DesktopApp::switchAccount);
        return;
    }
    AccountLaunch next;
    next.server = m_account->launch.server;
    next.geometry = m_account->launch.geometry;
    // The sign-in is on screen before the window goes, so the app never has no window.
    signInThenOpen(next);
    // The window, its session and its profile's lock go; the next account starts clean.
    closeAccount();
}

void DesktopApp::signInThenOpen(const AccountLaunch& launch)
{
    auto* flow = new SignInFlow(nullptr, this);
    flow->dialog().setServer(launch.server.toString());
    flow->dialog().setEmail(launch.email);
    connect(flow, &SignInFlow::cancelled, this, [this, flow] {
        flow->deleteLater();
        emit finished(Done);
    });
    connect(flow, &SignInFlow::signedIn, this,
            [this, flow, launch](const QUrl& server, const QString& email) {
                flow->deleteLater();
                AccountLaunch next = launch;
                next.server = server;
                next.email = email;
                QSettings settings;
                settings.setValue(QStringLiteral("account/server"), server.toString());
                settings.setValue(QStringLiteral("account/email"), email);
                Status status = Done;
                if (!open(next, &status))
                    emit finished(status);
            });
    flow->start();
}

void DesktopApp::askToSignInAgain(const QString& reason)
{
    if (!m_account)
        return;
    auto* flow = new SignInFlow(m_account->window.get(), this);
    flow->dialog().setMessage(
        tr("Session expired: sign in again. Your unsent changes are kept.\n(%1)").arg(reason));
    flow->dialog().setServer(m_account->launch.server.toString());
    flow->dialog().setEmail(m_account->session->account().email());
    // Also when the account is left meanwhile (its window takes the dialog along).
    connect(flow, &SignInFlow::cancelled, flow, &QObject::deleteLater);
    connect(
        flow, &SignInFlow::signedIn, this, [this, flow](const QUrl& server, const QString& email) {
            flow->deleteLater();
            // The same account signed in again: its session reads the new sign-in.
            if (m_account && server == m_account->launch.server && email == m_account->launch.email)
                m_account->session->goOnline();
        });
    flow->start();
}

} // namespace crm
