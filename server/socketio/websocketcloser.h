#pragma once

#include <chrono>
#include <memory>
#include <QObject>
#include <QTimer>
#include <QWebSocket>

namespace crm {

// Sees the WebSocket of a finished session through its closing handshake.
//
// QWebSocket::close() (Qt 6.4) writes the close frame and closes the TCP connection at once,
// and QAbstractSocket stops reading when it starts closing. If the peer is still sending (a
// flooder's burst in flight), the bytes nobody reads make the kernel answer with a reset
// instead of a FIN: the peer's next write fails and it drops the connection without reading
// the acks, `rate:limited` and DISCONNECT already sent to it (it sees 1006 and nothing else).
//
// So a goodbye keeps the socket open and reading (the frames go nowhere) until the peer closes
// it, which Socket.IO clients do when they get DISCONNECT, or `linger` passes; only then does
// the server send its own close frame. Frames already queued always go out first: they were
// written before the close frame on the same socket.
class WebSocketCloser : public QObject
{
    Q_OBJECT
public:
    // Takes the socket over; `owner` (the endpoint) deletes what is still lingering when it
    // goes. A zero `linger` sends the close frame now.
    static void close(std::unique_ptr<QWebSocket> socket, QWebSocketProtocol::CloseCode code,
                      const QString& reason, std::chrono::milliseconds linger, QObject* owner);
    // Goodbyes still on their way (a stopping server waits for them).
    static int pending() { return s_pending; }
    ~WebSocketCloser() override { --s_pending; }

private:
    WebSocketCloser(std::unique_ptr<QWebSocket> socket, QObject* owner);
    void sendClose(QWebSocketProtocol::CloseCode code, const QString& reason);

    std::unique_ptr<QWebSocket> m_socket;
    QTimer m_linger;
    // A peer that reads nothing never lets the close frame out: it is cut off after this.
    QTimer m_deadline;
    static inline int s_pending = 0; // the event loop's thread only
};

} // namespace crm
