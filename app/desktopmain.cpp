// crm-desktop: opens the last account's local copy at once, then signs in silently with the
// stored refresh token; asks to sign in only when there is no usable sign-in.
#include "app/conflictdecision.h"
#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "app/launchrequest.h"
#include "app/profileinstance.h"
#include "common/buildinfo.h"
#include "models/recordlink.h"
#include "models/schema/recordschema.h"
#include "models/translations.h"
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
constexpr int kCannotOpenStore = 1;
constexpr int kBadLink = 2;
constexpr int kProfileBusy = 3;

// Shows what a launch asked for. A record not in the local copy yet (a first start, a link to
// a record made a moment ago) opens when the next catch-up brings it; if it is still missing
// then, the agent is told rather than left wondering.
void showRequest(MainWindow& window, DesktopSession& session, const LaunchRequest& request)
{
    for (int i = 0; i < session.tables().size(); ++i) {
        if (session.tables().at(i)->spec().name == request.module)
            window.showModule(i);
    }
    if (request.recordId.isEmpty())
        return;
    auto tryOpen = [&window, &session, request] {
        for (auto* table : session.tables()) {
            if ((request.module.isEmpty() || table->spec().name == request.module) &&
                table->rowOf(request.recordId) >= 0) {
                window.openRecord(table->spec().name, request.recordId);
                qCInfo(lcLaunch) << "opened" << table->spec().name << request.recordId;
                return true;
            }
        }
        return false;
    };
    if (tryOpen())
        return;
    // Once it is open, later catch-ups (every reconnect) leave the agent where they are.
    auto waiting = std::make_shared<QMetaObject::Connection>();
    *waiting = QObject::connect(
        &session.engine(), &SyncEngine::caughtUp, &window, [tryOpen, waiting, &window] {
            QObject::disconnect(*waiting);
            if (tryOpen())
                return;
            qCInfo(lcLaunch) << "not found after catching up";
            auto* box = new QMessageBox(QMessageBox::Information, tr("Record not found"),
                                        tr("The record you opened is not among your records: "
                                           "it was deleted, or it is not shared with you."),
                                        QMessageBox::Ok, &window);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
}

// Brings the window to the front for a later launch (a crm:// link clicked in a browser).
void raise(QWidget& window)
{
    window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    window.show();
    window.raise();
    window.activateWindow();
}

} // namespace

int main(int argc, char* argv[])
{
    allowHelpWithoutDisplay(argc, argv);
    QApplication app(argc, argv);
    installTranslations();
    QApplication::setOrganizationName(QStringLiteral("crm-desktop"));
    QApplication::setApplicationName(QStringLiteral("crm-desktop"));
    QApplication::setApplicationVersion(buildinfo::versionLine());
    QApplication::setWindowIcon(applicationIcon());
    QGuiApplication::setDesktopFileName(buildinfo::appId()); // Wayland: the icon

    // A machine without a locale (LANG unset: the C locale) still shows money as money.
    if (QLocale().language() == QLocale::C)
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));

    QCommandLineParser parser;
    parser.setApplicationDescription(tr("CRM collaboration client"));
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
    parser.addOptions({serverOption, emailOption, tokenOption, profileOption, moduleOption,
                       recordOption, screenshotOption, delayOption, positionOption});
    parser.addPositionalArgument(QStringLiteral("link"),
                                 tr("A crm://record/<module>/<id> link to open."),
                                 QStringLiteral("[link]"));
    parser.process(app);

    LaunchRequest request{parser.value(moduleOption), parser.value(recordOption)};
    for (const QString& argument : parser.positionalArguments()) {
        QString error;
        const auto link = RecordLink::parse(argument, &error);
        if (!link) {
            QMessageBox::critical(
                nullptr, tr("Cannot open the link"),
                tr("%1\n\nA record link reads crm://record/<module>/<id>.").arg(error));
            return kBadLink;
        }
        request = {link->module, link->id};
    }

    // Which account: the command line, else the last one used (no secret lives in QSettings).
    QSettings settings;
    QUrl server = QUrl::fromUserInput(
        parser.isSet(serverOption)
            ? parser.value(serverOption)
            : settings
                  .value(QStringLiteral("account/server"), QStringLiteral("http://127.0.0.1:8787"))
                  .toString());
    QString email = parser.isSet(emailOption)
                        ? parser.value(emailOption)
                        : settings.value(QStringLiteral("account/email")).toString();
    QString token = parser.value(tokenOption);
    if (token.isEmpty() &&
        (email.isEmpty() ||
         AccountSession(server, DesktopSession::profileDirFor(server, email)).email().isEmpty())) {
        SignInDialog dialog;
        dialog.setServer(server.toString());
        dialog.setEmail(email);
        if (!signIn(dialog, &server, &email))
            return 0;
    }
    settings.setValue(QStringLiteral("account/server"), server.toString());
    if (token.isEmpty())
        settings.setValue(QStringLiteral("account/email"), email);

    // One account at a time; File > Switch account or Sign out comes back here for the next.
    QString profileOverride = parser.value(profileOption); // the first account only
    for (;;) {
        const QString profile =
            !profileOverride.isEmpty()
                ? profileOverride
                : DesktopSession::profileDirFor(server,
                                                email.isEmpty() ? QStringLiteral("token") : email);
        // One process per profile: a later launch hands its request to this one and exits.
        ProfileInstance instance(profile);
        switch (instance.claim(request.toArguments())) {
        case ProfileInstance::Claim::Primary:
            break;
        case ProfileInstance::Claim::HandedOff:
            return 0;
        case ProfileInstance::Claim::Busy:
            QMessageBox::critical(nullptr, tr("Already open"), instance.error());
            return kProfileBusy;
        }
        DesktopSession session(server, profile);
        QString error;
        if (!session.open(&error)) {
            QMessageBox::critical(nullptr, tr("Cannot open the local copy"), error);
            return kCannotOpenStore;
        }
        const Workspace workspace = workspaceOf(session, server.authority());
        MainWindow window(workspace);
        // As the agent left it; a screenshot run shows (and keeps) the defaults.
        if (!parser.isSet(screenshotOption))
            window.restoreLayout();
        if (parser.isSet(positionOption)) {
            const QStringList parts =
                parser.value(positionOption).split(QRegularExpression(QStringLiteral("[x+]")));
            if (parts.size() == 4)
                window.setGeometry(parts[2].toInt(), parts[3].toInt(), parts[0].toInt(),
                                   parts[1].toInt());
        }
        QObject::connect(
            &window, &MainWindow::conflictDecided, &session,
            [&session](qint64 id, ConflictDialog::Decision decision, const QJsonObject& merged) {
                applyConflictDecision(session.resolver(), id, decision, merged);
            });
        QObject::connect(&session, &DesktopSession::userKnown, &window,
                         [&](const QJsonObject& user) {
                             window.setOwnUser(user.value(QStringLiteral("id")).toString(),
                                               user.value(QStringLiteral("name")).toString());
                         });
        // The sign-in ended (expired, revoked): keep working on the local copy, ask again.
        QObject::connect(
            &session, &DesktopSession::signInNeeded, &window, [&](const QString& reason) {
                SignInDialog dialog(&window);
                dialog.setMessage(
                    tr("Session expired: sign in again. Your unsent changes are kept.\n(%1)")
                        .arg(reason));
                dialog.setServer(server.toString());
                dialog.setEmail(session.account().email());
                QUrl again = server;
                QString who = email;
                if (signIn(dialog, &again, &who) && again == server && who == email)
                    session.goOnline();
            });
        window.show();
        session.goOnline(token);
        showRequest(window, session, request);
        QObject::connect(&instance, &ProfileInstance::argumentsReceived, &window,
                         [&window, &session](const QStringList& arguments) {
                             raise(window);
                             if (const auto later = LaunchRequest::fromArguments(arguments))
                                 showRequest(window, session, *later);
                         });

        if (parser.isSet(screenshotOption)) {
            QTimer::singleShot(parser.value(delayOption).toInt(), &window, [&] {
                const bool saved = window.grab().save(parser.value(screenshotOption));
                QApplication::exit(saved ? 0 : 1);
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
        if (result != kSwitchAccount)
            return result;
        // The window and session are gone with this scope; the next account starts clean.
        SignInDialog dialog;
        dialog.setServer(server.toString());
        if (!signIn(dialog, &server, &email))
            return 0;
        token.clear();
        profileOverride.clear();
        request = {};
        settings.setValue(QStringLiteral("account/server"), server.toString());
        settings.setValue(QStringLiteral("account/email"), email);
    }
}
