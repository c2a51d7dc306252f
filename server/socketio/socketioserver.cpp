#include "server/socketio/socketioserver.h"

#include "server/socketio/serverlogging.h"

#include <QHttpServer>
#include <QUrlQuery>
#include <QWebSocket>

namespace crm {

SocketIoServer::SocketIoServer(QHttpServer* http, SocketIoServerOptions options, QObject* parent)
    : QObject(parent), m_http(http), m_options(std::move(options))
{
    // QtHttpServer runs this handler for the upgrade request too: writing anything then would
    // corrupt the WebSocket handshake, so only plain requests (long-polling, which we do not
    // serve) get an answer.
    m_http->route(m_options.path, [](const QHttpServerRequest& request,
                                     QHttpServerResponder&& responder) {
        if (request.value(QByteArrayLiteral("upgrade")).toLower() == QByteArrayLiteral("websocket"))
            return;
        responder.write(QByteArrayLiteral(R"({"code":3,"message":"Bad request: websocket only"})"),
                        "application/json", QHttpServerResponder::StatusCode::BadRequest);
    });
    connect(m_http, &QHttpServer::newWebSocketConnection, this, &SocketIoServer::acceptPending);
}

qsizetype SocketIoServer::connectedCount() const
{
    return std::count_if(m_sessions.begin(), m_sessions.end(),
                         [](const SocketIoServerSession* s) { return s->isConnected(); });
}

void SocketIoServer::acceptPending()
{
    while (m_http->hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_http->nextPendingWebSocketConnection();
        // First thing: Qt checks a frame's size each time it tries to read its payload, so from
        // here on a frame or message over maxPayload ends the link (1009) after its header
        // instead of being buffered whole first (four 32 MiB frames cost ~165 MiB that way).
        socket->setMaxAllowedIncomingFrameSize(static_cast<quint64>(m_options.maxPayload));
        socket->setMaxAllowedIncomingMessageSize(static_cast<quint64>(m_options.maxPayload));
        const QUrlQuery query(socket->requestUrl());
        if (query.queryItemValue(QStringLiteral("EIO")) != QStringLiteral("4") ||
            query.queryItemValue(QStringLiteral("transport")) != QStringLiteral("websocket")) {
            qCInfo(lcServerSocket) << "refusing" << socket->requestUrl().toString()
                                   << ": only EIO=4 over websocket is served";
            socket->close(QWebSocketProtocol::CloseCodeProtocolError,
                          QStringLiteral("unsupported protocol version or transport"));
            socket.release()->deleteLater();
            continue;
        }
        auto* session = new SocketIoServerSession(std::move(socket), m_options, this);
        m_sessions.append(session);
        connect(session, &SocketIoServerSession::connectRequested, this,
                [this, session](const QJsonObject& auth) {
                    const AuthDecision decision = m_authenticator ? m_authenticator(session, auth)
                                                                  : AuthDecision{true, {}, {}, {}};
                    if (!decision.accepted) {
                        session->refuseConnect(decision.message, decision.errorData);
                        if (decision.endSession)
                            session->disconnectClient(decision.message);
                        return;
                    }
                    session->acceptConnect(decision.identity);
                    emit sessionConnected(session);
                });
        connect(session, &SocketIoServerSession::closed, this,
                [this, session](const QString& reason) {
                    m_sessions.removeOne(session);
                    emit sessionClosed(session, reason);
                    session->deleteLater();
                });
    }
}

void SocketIoServer::closeAll(const QString& reason)
{
    // Closing a session removes it from m_sessions: walk a copy.
    const auto sessions = m_sessions;
    for (auto* session : sessions)
        session->goAway(reason);
}

} // namespace crm
