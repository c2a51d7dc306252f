#pragma once

#include "protocol/pendingacks.h"
#include "server/socketio/socketioserveroptions.h"

#include <memory>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QWebSocketProtocol>

class QWebSocket;

namespace crm {

namespace socketio {
struct Packet;
}

// One client's Engine.IO session on the server: sends the handshake and the pings, expects the
// pongs, decodes Socket.IO packets and turns them into signals.
class SocketIoServerSession : public QObject
{
    Q_OBJECT
public:
    SocketIoServerSession(std::unique_ptr<QWebSocket> socket, const SocketIoServerOptions& options,
                          QObject* parent = nullptr);
    ~SocketIoServerSession() override;

    QString sid() const { return m_sid; }
    bool isConnected() const { return m_connected; }
    // The CONNECT payload the client sent, and what the authenticator attached to it.
    QJsonObject auth() const { return m_auth; }
    QJsonObject identity() const { return m_identity; }

    void emitEvent(const QString& event, const QJsonArray& args = {});
    void emitWithAck(const QString& event, const QJsonArray& args, AckCallback callback,
                     std::chrono::milliseconds timeout);
    void sendAck(qint64 id, const QJsonArray& args);

    // Called by the server once the authenticator decided.
    void acceptConnect(const QJsonObject& identity);
    // CONNECT_ERROR on `nsp` (empty: the one served).
    void refuseConnect(const QString& message, const QJsonObject& data, const QString& nsp = {});

    // The goodbye: Socket.IO DISCONNECT (when connected) after everything already sent, then
    // the WebSocket closing handshake (WebSocketCloser). Nothing the client sends after this
    // is acted on.
    void disconnectClient(const QString& reason);
    // Drops the TCP connection without any goodbye, as a crashed server would.
    void abort();
    // The server is stopping: a WebSocket close "going away" and no Socket.IO DISCONNECT, so
    // that clients (ours and stock socket.io-client alike) reconnect with their backoff.
    void goAway(const QString& reason);

    // Where the client connects from, and for how long it has been connected.
    QString peer() const { return m_peer; }
    qint64 ageMs() const { return m_age.elapsed(); }

    // Sends an already encoded Engine.IO frame: fan-out encodes an event once for many
    // sessions. Also how tests make the server send broken frames.
    void sendRawFrame(const QString& frame);
    // Stops pinging and ignores everything the client sends, as a hung process would.
    void setFrozen(bool frozen);

signals:
    void connectRequested(const QJsonObject& auth);
    void eventReceived(const QString& event, const QJsonArray& args, qint64 ackId);
    void closed(const QString& reason);

private:
    void onTextMessage(const QString& frame);
    void onPacket(const socketio::Packet& packet);
    void sendPing();
    // `awaitPeer`: the client was told to go (or said it goes) and closes the WebSocket itself;
    // otherwise the close frame goes out now.
    void close(const QString& reason, bool awaitPeer = false,
               QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal);
    void send(const QString& frame);

    std::unique_ptr<QWebSocket> m_socket;
    QString m_peer;
    QElapsedTimer m_age;
    SocketIoServerOptions m_options;
    QString m_sid;
    QJsonObject m_auth;
    QJsonObject m_identity;
    bool m_connected = false;
    bool m_frozen = false;
    bool m_closed = false;
    bool m_awaitingPong = false;
    QTimer m_pingTimer;
    QTimer m_pongTimer;
    QTimer m_connectTimer;
    PendingAcks m_acks;
};

} // namespace crm
