#include "models/syncstatus.h"
#include "realtime/connectionmanager.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QSettings>
#include <QTimer>
#include <QUuid>

using namespace crm;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("crm-desktop"));
    QApplication::setApplicationName(QStringLiteral("crm-desktop"));
    QApplication::setApplicationVersion(QStringLiteral(CRM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "CRM collaboration client"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption serverOption(QStringLiteral("server"),
                                    QApplication::translate("main", "Server URL."),
                                    QStringLiteral("url"));
    QCommandLineOption tokenOption(QStringLiteral("token"),
                                   QApplication::translate("main", "Access token."),
                                   QStringLiteral("token"));
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save a PNG of the window after --screenshot-delay ms, "
                                        "then quit."),
        QStringLiteral("file"));
    QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
                                   QApplication::translate("main", "Delay before the screenshot."),
                                   QStringLiteral("ms"), QStringLiteral("3000"));
    parser.addOptions({serverOption, tokenOption, screenshotOption, delayOption});
    parser.process(app);

    QSettings settings;
    const QUrl server = QUrl::fromUserInput(
        parser.value(serverOption).isEmpty()
            ? settings.value(QStringLiteral("server/url"), QStringLiteral("http://127.0.0.1:8787"))
                  .toString()
            : parser.value(serverOption));
    settings.setValue(QStringLiteral("server/url"), server.toString());
    QString clientId = settings.value(QStringLiteral("client/id")).toString();
    if (clientId.isEmpty()) {
        clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        settings.setValue(QStringLiteral("client/id"), clientId);
    }

    ConnectionConfig config;
    config.serverUrl = server;
    ConnectionManager connection(config);
    const QString token = parser.value(tokenOption);
    connection.setAuthProvider([token, clientId] {
        return QJsonObject{{QStringLiteral("token"), token},
                           {QStringLiteral("clientId"), clientId}};
    });
    SyncStatus status(&connection);
    MainWindow window(&status, server.authority());
    window.show();
    connection.start();

    if (parser.isSet(screenshotOption)) {
        QTimer::singleShot(parser.value(delayOption).toInt(), &window, [&] {
            const bool saved = window.grab().save(parser.value(screenshotOption));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
