// crm-desktop: opens the last account's local copy at once, then signs in silently with the
// stored refresh token; asks to sign in only when there is no usable sign-in.
#include "app/desktopapp.h"
#include "app/desktopsession.h"
#include "app/launchrequest.h"
#include "app/linkeventfilter.h"
#include "common/buildinfo.h"
#include "common/serveraddress.h"
#include "models/recordlink.h"
#include "models/translations.h"
#include "protocol/recordschema.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>

using namespace crm;

namespace {

QString tr(const char* text)
{
    return QApplication::translate("crm-desktop", text);
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

// An error that may quote what came from outside (a link, a file name): shown as plain text,
// never interpreted as markup.
void showError(const QString& title, const QString& text)
{
    QMessageBox box(QMessageBox::Critical, title, text, QMessageBox::Ok);
    box.setTextFormat(Qt::PlainText);
    box.exec();
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
            showError(tr("Cannot open the link"),
                      tr("%1\n\nA record link reads crm://record/<module>/<id>.").arg(error));
            return DesktopApp::BadLink;
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
            showError(tr("Certificate authority"),
                      tr("The certificate authority file cannot be used: %1").arg(error));
            return DesktopApp::CannotOpen;
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
    launch.profile = parser.value(profileOption);

    // One account at a time, all in this one event loop: File > Switch account and Sign out
    // tear the account down and sign the next one in.
    DesktopApp desktop(links);
    QObject::connect(&desktop, &DesktopApp::finished, &app,
                     [](int status) { QApplication::exit(status); });
    const bool signedIn =
        !launch.token.isEmpty() ||
        (!launch.email.isEmpty() &&
         !AccountSession(launch.server, DesktopSession::profileDirFor(launch.server, launch.email))
              .email()
              .isEmpty());
    if (signedIn) {
        settings.setValue(QStringLiteral("account/server"), launch.server.toString());
        if (launch.token.isEmpty())
            settings.setValue(QStringLiteral("account/email"), launch.email);
        DesktopApp::Status status = DesktopApp::Done;
        if (!desktop.open(launch, &status))
            return status;
    } else {
        desktop.signInThenOpen(launch);
    }
    return app.exec();
}
