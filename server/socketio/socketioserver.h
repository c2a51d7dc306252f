#pragma once

#include "server/socketio/socketioserveroptions.h"
#include "server/socketio/socketioserversession.h"

#include <functional>
#include <QJsonObject>
#include <QList>
#include <QObject>

class QHttpServer;

namespace crm {

// The Socket.IO v4 endpoint (WebSocket transport only) on a QHttpServer's port. QtHttpServer
// only upgrades requests whose path matches a route, so this registers a do-nothing route for
// the endpoint path and takes the sockets from newWebSocketConnection.
class SocketIoServer : public QObject
{
    Q_OBJECT
public:
    struct AuthDecision
    {
        bool accepted = false;
        QJsonObject identity;    // kept on the session when accepted
        QString message;         // CONNECT_ERROR message when refused
        QJsonObject errorData;   // CONNECT_ERROR data, e.g. {"code": "auth_invalid"}
        bool endSession = false; // refused, and the session ends (the client abuses it)
    };
    using Authenticator =
        std::function<AuthDecision(SocketIoServerSession* session, const QJsonObject& auth)>;

    SocketIoServer(QHttpServer* http, SocketIoServerOptions options, QObject* parent = nullptr);

    void setAuthenticator(Authenticator authenticator)
    {
        m_authenticator = std::move(authenticator);
    }
    void setOptions(const SocketIoServerOptions& options) { m_options = options; }
    const SocketIoServerOptions& options() const { return m_options; }
    QList<SocketIoServerSession*> sessions() const { return m_sessions; }
    qsizetype connectedCount() const;
    // Every session goes away (SocketIoServerSession::goAway): the server is stopping.
    void closeAll(const QString& reason);

signals:
    void sessionConnected(crm::SocketIoServerSession* session);
    void sessionClosed(crm::SocketIoServerSession* session, const QString& reason);

private:
    void acceptPending();

    QHttpServer* m_http;
    SocketIoServerOptions m_options;
    Authenticator m_authenticator;
    QList<SocketIoServerSession*> m_sessions;
};

} // namespace crm
