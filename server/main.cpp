// crm-server: the brokerage's collaboration backend. This build serves the transport: the
// Socket.IO v4 endpoint with token auth, health, and an echo for connectivity checks. Records,
// change log and presence arrive with the server issue (see docs/protocol.md).
#include "server/socketio/socketioserver.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpServer>

using namespace crm;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("crm-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CRM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "CRM collaboration server"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption hostOption(QStringLiteral("host"),
                                  QCoreApplication::translate("main", "Address to listen on."),
                                  QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    QCommandLineOption portOption(QStringLiteral("port"),
                                  QCoreApplication::translate("main", "Port (0 picks a free one)."),
                                  QStringLiteral("port"), QStringLiteral("8787"));
    QCommandLineOption tokenOption(
        QStringLiteral("token"),
        QCoreApplication::translate("main", "Access token clients must present (development)."),
        QStringLiteral("token"));
    QCommandLineOption pingOption(QStringLiteral("ping-interval"),
                                  QCoreApplication::translate("main", "Ping interval in ms."),
                                  QStringLiteral("ms"), QStringLiteral("25000"));
    parser.addOptions({hostOption, portOption, tokenOption, pingOption});
    parser.process(app);

    QString token = parser.value(tokenOption);
    if (token.isEmpty())
        token = QString::number(QRandomGenerator::system()->generate64(), 36);

    QHttpServer http;
    SocketIoServerOptions options;
    options.pingInterval = std::chrono::milliseconds(parser.value(pingOption).toInt());
    SocketIoServer socketServer(&http, options);
    socketServer.setAuthenticator([token](const QJsonObject& auth) {
        if (auth.value(QStringLiteral("token")).toString() == token)
            return SocketIoServer::AuthDecision{
                true,
                {{QStringLiteral("clientId"), auth.value(QStringLiteral("clientId"))}},
                {},
                {}};
        return SocketIoServer::AuthDecision{
            false,
            {},
            QStringLiteral("invalid token"),
            {{QStringLiteral("code"), QStringLiteral("auth_invalid")}}};
    });
    QObject::connect(&socketServer, &SocketIoServer::sessionConnected, &socketServer,
                     [](SocketIoServerSession* session) {
                         QObject::connect(
                             session, &SocketIoServerSession::eventReceived, session,
                             [session](const QString& event, const QJsonArray& args, qint64 ackId) {
                                 if (event == QStringLiteral("echo"))
                                     session->sendAck(ackId, args);
                             });
                     });

    http.route(QStringLiteral("/health"), [&socketServer] {
        return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                           {QStringLiteral("version"), QStringLiteral(CRM_VERSION)},
                           {QStringLiteral("connections"), socketServer.connectedCount()}};
    });

    const auto port = http.listen(QHostAddress(parser.value(hostOption)),
                                  static_cast<quint16>(parser.value(portOption).toUInt()));
    if (port == 0) {
        std::fprintf(stderr, "crm-server: cannot listen on %s:%s\n",
                     qPrintable(parser.value(hostOption)), qPrintable(parser.value(portOption)));
        return 1;
    }
    // One machine-readable line so scripts and tests can find the port.
    std::printf("crm-server listening on http://%s:%u\n", qPrintable(parser.value(hostOption)),
                port);
    if (!parser.isSet(tokenOption))
        std::printf("access token: %s\n", qPrintable(token));
    std::fflush(stdout);
    return app.exec();
}
