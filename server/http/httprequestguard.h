#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <QByteArray>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace crm {

// Refuses an HTTP request by its head, before QtHttpServer reads the body.
//
// QtHttpServer 6.4 reads a whole request, body included, before any route runs, keeping it
// twice (in the socket's read transaction and in its own buffer): a route that checks the size
// is too late: four 32 MiB bodies cost the server ~290 MiB. The guard's readyRead handler is
// connected before QtHttpServer's (GuardedTcpServer), so it sees every request head first and
// answers 413 when Content-Length (or a chunked body, counted with its framing, as it grows)
// is over the route's limit, and 431 when the head itself is over its limit. A refused
// connection is then drained (read and dropped, never parsed) until the client closes it or
// `linger` passes: closing with unread bytes would reset the connection and could destroy the
// answer before the client reads it.
//
// QtHttpServer commits its read transaction exactly when it has read a whole request, so
// "no transaction open" tells the guard that the unread bytes start a new request: each
// request of a kept-alive connection is checked.
class HttpRequestGuard : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        // Request line and headers together (QtHttpServer itself has no limit).
        qint64 maxHead = 64 * 1024;
        // The largest body a request may carry, by method and path; 1 MiB when unset.
        std::function<qint64(const QByteArray& method, const QString& path)> maxBody;
        // How long a refused connection is drained before it is cut.
        std::chrono::milliseconds linger{2000};
    };

    // Guards `socket` from now on. Call it before QtHttpServer connects to the socket.
    static void watch(QTcpSocket* socket, std::shared_ptr<const Limits> limits);
    // Seconds since the guard last saw bytes arrive: read in QtHttpServer's after-request
    // handler, which runs in the same event-loop turn as the read that completed the request
    // (one thread), it is that request's time in the server.
    static double secondsSinceLastRead();

private:
    enum class State
    {
        Head,        // reading a request's head
        Body,        // the head passed; Content-Length (or none) bounds the body
        ChunkedBody, // the head passed; the chunked body is counted as it arrives
        Refused,     // answered; everything else is dropped
    };

    HttpRequestGuard(QTcpSocket* socket, std::shared_ptr<const Limits> limits);
    void onReadyRead();
    void inspectHead();
    void countChunked(qint64 bytes);
    void refuse(int status, const QByteArray& reasonPhrase, const QString& message);
    void drain();
    void halfCloseWhenWritten();

    QTcpSocket* m_socket;
    std::shared_ptr<const Limits> m_limits;
    State m_state = State::Head;
    QByteArray m_head;         // the current request from its first byte, while in Head
    qint64 m_requestBytes = 0; // bytes of the current request seen, while in Head
    qint64 m_bodyLimit = 0;    // ChunkedBody
    qint64 m_chunkedBytes = 0;
    bool m_halfClosed = false;
    QTimer m_linger;
};

} // namespace crm
