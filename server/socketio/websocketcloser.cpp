#include "server/socketio/websocketcloser.h"

#include "server/socketio/serverlogging.h"

namespace crm {

namespace {

constexpr std::chrono::seconds kCloseDeadline{5};

} // namespace

void WebSocketCloser::close(std::unique_ptr<QWebSocket> socket, QWebSocketProtocol::CloseCode code,
                            const QString& reason, std::chrono::milliseconds linger, QObject* owner)
{
    if (!socket)
        return;
    if (socket->state() == QAbstractSocket::UnconnectedState) {
        socket.release()->deleteLater();
        return;
    }
    auto* closer = new WebSocketCloser(std::move(socket), owner);
    if (linger <= std::chrono::milliseconds::zero()) {
        closer->sendClose(code, reason);
        return;
    }
    connect(&closer->m_linger, &QTimer::timeout, closer,
            [closer, code, reason] { closer->sendClose(code, reason); });
    closer->m_linger.start(linger);
}

WebSocketCloser::WebSocketCloser(std::unique_ptr<QWebSocket> socket, QObject* owner)
    : QObject(owner), m_socket(std::move(socket))
{
    ++s_pending;
    m_linger.setSingleShot(true);
    m_deadline.setSingleShot(true);
    // The peer's close frame is answered by QWebSocket itself; either way this ends here.
    connect(m_socket.get(), &QWebSocket::disconnected, this, &QObject::deleteLater);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        qCDebug(lcServerSocket) << "peer did not take the close frame; aborting";
        m_socket->abort();
        deleteLater();
    });
}

void WebSocketCloser::sendClose(QWebSocketProtocol::CloseCode code, const QString& reason)
{
    m_socket->close(code, reason);
    m_deadline.start(kCloseDeadline);
}

} // namespace crm
