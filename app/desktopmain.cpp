// crm-desktop: opens the last account's local copy at once, then signs in silently with the
// stored refresh token; asks to sign in only when there is no usable sign-in.
#include "app/conflictdecision.h"
#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "app/launchrequest.h"
#include "app/linkeventfilter.h"
#include "app/profileinstance.h"
#include "app/recordopener.h"
#include "common/buildinfo.h"
#include "models/recordlink.h"
#include "models/translations.h"
#include "protocol/recordschema.h"
#include "realtime/serveraddress.h"
#include "ui/mainwindow.h"
#include "ui/signindialog.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QTimer>

using namespace crm;

namespace {

QString tr(const char* text)
{
    return QApplication::translate("crm-desktop", text);
}

// Runs the sign-in dialog until the server accepts (true) or the agent gives up (false).
// A keychain that does not answer is said so, with the offer to stay signed in for this
// session only.
bool signIn(SignInDialog& dialog, QUrl* server, QString* email)
{
    std::unique_ptr<AccountSession> account;
    bool done = false;
    QObject::connect(&dialog, &SignInDialog::signInRequested, &dialog, [&] {
        *server = QUrl::fromUserInput(dialog.server());
        *email = dialog.email();
        account = std::make_unique<AccountSession>(*server,
                                                   DesktopSession::profileDirFor(*server, *email));
        dialog.setBusy(true);
        // Held weakly by itself (a strong self-reference is never freed), strongly by the
        // sign-in's callback while an answer is awaited.
        auto attempt = std::make_shared<std::function<void(AccountSession::Keep)>>();
        *attempt = [&, step = std::weak_ptr(attempt)](AccountSession::Keep keep) {
            account->signIn(*email, dialog.password(), keep,
                            [&, again = step.lock(), keep](const AccountSession::Outcome& outcome) {
                                dialog.setBusy(false);
                                if (outcome.ok()) {
                                    done = true;
                                    return dialog.accept();
                                }
                                if (outcome.failure == AccountSession::Failure::Storage &&
                                    keep == AccountSession::Keep::Keychain &&
                                    QMessageBox::question(
                                        &dialog, tr("No keychain"),
                                        tr("%1\n\nStay signed in for this session only? You will "
                                           "be asked again at the next start.")
                                            .arg(outcome.error)) == QMessageBox::Yes) {
                                    dialog.setBusy(true);
                                    return (*again)(AccountSession::Keep::Memory);
                                }
                                dialog.setError(outcome.error);
                            });
        };
        (*attempt)(dialog.keepSignedIn() ? AccountSession::Keep::Keychain
                                         : AccountSession::Keep::Memory);
    });
    dialog.exec();
    return done;
}

// `crm-desktop --help` or `--version` on a machine without a display (a server, an SSH
// session) must print and exit, not abort because the window system cannot be opened: those
// two never show a window, so they get the offscreen platform.
void allowHelpWithoutDisplay(int argc, char* argv[])
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    if (!qEnvironmentVariableIsEmpty("DISPLAY") ||
        !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
        !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
            arg == "--version" || arg == "-?") {
            qputenv("QT_QPA_PLATFORM", "offscreen");
            return;
        }
    }
#else
    // Windows and macOS always have their window system (and ship no offscreen plugin).
    Q_UNUSED(argc);
    Q_UNUSED(argv);
#endif
}

// app.exec()'s result when the agent switches account (not a process exit code).
constexpr int kSwitchAccount = 1000;
// Exit statuses besides 0 (done, or handed over to the window already open).
constexpr int kCannotOpen = 1; // the local copy, or the certificate authority file
constexpr int kBadLink = 2;
constexpr int kProfileBusy = 3;

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

// What one account's window starts with.
struct AccountLaunch
{
    QUrl server;
    QString email;
    QString token;   // a fixed access token (scripts, demos), or empty
    QString profile; // its local copy and outbox
    LaunchRequest request;
    QString screenshot; // save a PNG after screenshotDelay ms and quit
    int screenshotDelay = 3000;
    QString geometry; // WxH+X+Y
};

// One account's window, from its local copy, until the agent quits, switches account or signs
// out (kSwitchAccount). Everything it made is gone when it returns: no link is handed to an
// account being left.
int runAccount(QApplication& app, const AccountLaunch& launch, LinkEventFilter& links)
{
    // One process per profile: a later launch hands its request to this one and exits.
    ProfileInstance instance(launch.profile);
    switch (instance.claim(launch.request.toArguments())) {
    case ProfileInstance::Claim::Primary:
        break;
    case ProfileInstance::Claim::HandedOff:
        return 0;
    case ProfileInstance::Claim::Busy:
        showError(nullptr, tr("Already open"), instance.error());
        return kProfileBusy;
    case ProfileInstance::Claim::Refused:
        showError(nullptr, tr("Cannot open the local copy"), instance.error());
        return kCannotOpen;
    }
    DesktopSession session(launch.server, launch.profile);
    QString error;
    if (!session.open(&error)) {
        showError(nullptr, tr("Cannot open the local copy"), error);
        return kCannotOpen;
    }
    MainWindow window(workspaceOf(session, launch.server.authority()));
    // As the agent left it; a screenshot run shows (and keeps) the defaults.
    if (launch.screenshot.isEmpty())
        window.restoreLayout();
    const QStringList parts = launch.geometry.split(QRegularExpression(QStringLiteral("[x+]")));
    if (parts.size() == 4)
        window.setGeometry(parts[2].toInt(), parts[3].toInt(), parts[0].toInt(), parts[1].toInt());
    QObject::connect(
        &window, &MainWindow::conflictDecided, &session,
        [&session](qint64 id, ConflictDialog::Decision decision, const QJsonObject& merged) {
            applyConflictDecision(session.resolver(), id, decision, merged);
        });
    QObject::connect(&session, &DesktopSession::userKnown, &window, [&](const QJsonObject& user) {
        window.setOwnUser(user.value(QStringLiteral("id")).toString(),
                          user.value(QStringLiteral("name")).toString());
    });
    // The sign-in ended (expired, revoked): keep working on the local copy, ask again.
    QObject::connect(&session, &DesktopSession::signInNeeded, &window, [&](const QString& reason) {
        SignInDialog dialog(&window);
        dialog.setMessage(
            tr("Session expired: sign in again. Your unsent changes are kept.\n(%1)").arg(reason));
        dialog.setServer(launch.server.toString());
        dialog.setEmail(session.account().email());
        QUrl again = launch.server;
        QString who = launch.email;
        if (signIn(dialog, &again, &who) && again == launch.server && who == launch.email)
            session.goOnline();
    });
    window.show();
    session.goOnline(launch.token);

    RecordOpener opener(window, session);
    opener.show(links.takePending().value_or(launch.request));
    QObject::connect(&instance, &ProfileInstance::argumentsReceived, &window,
                     [&](const QStringList& arguments, const QString& activation) {
                         raise(window, activation);
                         if (const auto later = LaunchRequest::fromArguments(arguments))
                             opener.show(*later);
                     });
    // macOS hands links to the running app as events, not as a new process.
    QObject::connect(&links, &LinkEventFilter::requested, &window,
                     [&](const LaunchRequest& request) {
                         links.takePending();
                         raise(window, {});
                         opener.show(request);
                     });
    QObject::connect(&links, &LinkEventFilter::refused, &window, [&](const QString& why) {
        showError(&window, tr("Cannot open the link"), why);
    });

    if (!launch.screenshot.isEmpty()) {
        QTimer::singleShot(launch.screenshotDelay, &window, [&] {
            QApplication::exit(window.grab().save(launch.screenshot) ? 0 : 1);
        });
    }
    QObject::connect(&window, &MainWindow::switchAccountRequested, &window,
                     [] { QApplication::exit(kSwitchAccount); });
    QObject::connect(&window, &MainWindow::signOutRequested, &window, [&session] {
        session.account().signOut(
            [](const AccountSession::Outcome&) { QApplication::exit(kSwitchAccount); });
    });
    const int result = app.exec();
    window.saveLayout(); // also when switching account, which closes no window
    return result;
}

} // namespace

int main(int argc, char* argv[])
{
    allowHelpWithoutDisplay(argc, argv);
    QApplication app(argc, argv);
    installTranslations();
    QApplication::setOrganizationName(QStringLiteral("crm-desktop"));
    QApplication::setApplicationName(QStringLiteral("crm-desktop"));
    QApplication::setApplicationDisplayName(QStringLiteral("CRM Desktop"));
    QApplication::setApplicationVersion(buildinfo::versionLine());
    QApplication::setWindowIcon(applicationIcon());
    QGuiApplication::setDesktopFileName(buildinfo::appId()); // Wayland: the icon
    // From the start: macOS may deliver the link that launched the app before any window.
    LinkEventFilter links;
    app.installEventFilter(&links);

    // A machine without a locale (LANG unset: the C locale) still shows money as money.
    if (QLocale().language() == QLocale::C)
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("CRM collaboration client\n\nExit status: 0 done (or handed to the window already "
           "open for this account), 1 the local copy or the CA file cannot be opened, 2 a link "
           "that is not a record link, 3 this account is open in a window that does not "
           "answer."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption serverOption(QStringLiteral("server"), tr("Server URL."),
                                    QStringLiteral("url"));
    QCommandLineOption emailOption(QStringLiteral("email"), tr("Account to open."),
                                   QStringLiteral("email"));
    QCommandLineOption tokenOption(QStringLiteral("token"),
                                   tr("Access token (scripts and demos; no refresh)."),
                                   QStringLiteral("token"));
    QCommandLineOption profileOption(QStringLiteral("profile"),
                                     tr("Profile folder (default: one per server and account)."),
                                     QStringLiteral("dir"));
    QCommandLineOption moduleOption(QStringLiteral("module"), tr("Module to show first."),
                                    QStringLiteral("name"));
    QCommandLineOption recordOption(QStringLiteral("record"), tr("Record to open (its id)."),
                                    QStringLiteral("id"));
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        tr("Save a PNG of the window after --screenshot-delay ms, then quit."),
        QStringLiteral("file"));
    QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
                                   tr("Delay before the screenshot."), QStringLiteral("ms"),
                                   QStringLiteral("3000"));
    QCommandLineOption positionOption(QStringLiteral("geometry"), tr("Window geometry WxH+X+Y."),
                                      QStringLiteral("geometry"));
    QCommandLineOption caOption(
        QStringLiteral("ca"),
        tr("Also trust the certificate authorities in this PEM file (the brokerage's own CA); "
           "kept for the next starts (setting tls/caFile)."),
        QStringLiteral("file"));
    parser.addOptions({serverOption, emailOption, tokenOption, profileOption, moduleOption,
                       recordOption, screenshotOption, delayOption, positionOption, caOption});
    parser.addPositionalArgument(QStringLiteral("link"),
                                 tr("A crm://record/<module>/<id> link to open."),
                                 QStringLiteral("[link]"));
    parser.process(app);

    AccountLaunch launch;
    launch.request = {parser.value(moduleOption), parser.value(recordOption)};
    for (const QString& argument : parser.positionalArguments()) {
        QString error;
        const auto link = RecordLink::parse(argument, &error);
        if (!link) {
            showError(nullptr, tr("Cannot open the link"),
                      tr("%1\n\nA record link reads crm://record/<module>/<id>.").arg(error));
            return kBadLink;
        }
        launch.request = {link->module, link->id};
    }
    launch.screenshot = parser.value(screenshotOption);
    launch.screenshotDelay = parser.value(delayOption).toInt();
    launch.geometry = parser.value(positionOption);

    // Which account: the command line, else the last one used (no secret lives in QSettings).
    QSettings settings;
    // A brokerage's own certificate authority, trusted by every connection of this process.
    const QString caFile = parser.isSet(caOption)
                               ? parser.value(caOption)
                               : settings.value(QStringLiteral("tls/caFile")).toString();
    if (!caFile.isEmpty()) {
        QString error;
        if (!ServerAddress::trustCertificateAuthorities(caFile, &error)) {
            showError(nullptr, tr("Certificate authority"),
                      tr("The certificate authority file cannot be used: %1").arg(error));
            return kCannotOpen;
        }
        settings.setValue(QStringLiteral("tls/caFile"), caFile);
    }
    launch.server = QUrl::fromUserInput(
        parser.isSet(serverOption)
            ? parser.value(serverOption)
            : settings
                  .value(QStringLiteral("account/server"), QStringLiteral("http://127.0.0.1:8787"))
                  .toString());
    launch.email = parser.isSet(emailOption)
                       ? parser.value(emailOption)
                       : settings.value(QStringLiteral("account/email")).toString();
    launch.token = parser.value(tokenOption);
    if (launch.token.isEmpty() &&
        (launch.email.isEmpty() ||
         AccountSession(launch.server, DesktopSession::profileDirFor(launch.server, launch.email))
             .email()
             .isEmpty())) {
        SignInDialog dialog;
        dialog.setServer(launch.server.toString());
        dialog.setEmail(launch.email);
        if (!signIn(dialog, &launch.server, &launch.email))
            return 0;
    }
    settings.setValue(QStringLiteral("account/server"), launch.server.toString());
    if (launch.token.isEmpty())
        settings.setValue(QStringLiteral("account/email"), launch.email);

    // One account at a time; File > Switch account or Sign out comes back here for the next.
    launch.profile = parser.value(profileOption); // the first account only
    for (;;) {
        if (launch.profile.isEmpty())
            launch.profile = DesktopSession::profileDirFor(
                launch.server, launch.email.isEmpty() ? QStringLiteral("token") : launch.email);
        const int result = runAccount(app, launch, links);
        if (result != kSwitchAccount)
            return result;
        // The window, its session and its profile's lock are gone; the next account starts clean.
        SignInDialog dialog;
        dialog.setServer(launch.server.toString());
        if (!signIn(dialog, &launch.server, &launch.email))
            return 0;
        launch.token.clear();
        launch.profile.clear();
        launch.request = {};
        settings.setValue(QStringLiteral("account/server"), launch.server.toString());
        settings.setValue(QStringLiteral("account/email"), launch.email);
    }
}
