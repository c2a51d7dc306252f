#include "server/socketio/socketioserversession.h"

#include "protocol/engineiocodec.h"
#include "protocol/socketiocodec.h"
#include "server/http/clientaddress.h"
#include "server/socketio/serverlogging.h"
#include "server/socketio/websocketcloser.h"

#include <QUuid>
#include <QWebSocket>

namespace crm {

SocketIoServerSession::SocketIoServerSession(std::unique_ptr<QWebSocket> socket,
                                             const SocketIoServerOptions& options, QObject* parent)
    : QObject(parent), m_socket(std::move(socket)), m_options(options),
      m_sid(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_peer = ClientAddress::of(m_socket->peerAddress(),
                               m_socket->request().rawHeader(QByteArrayLiteral("X-Forwarded-For")),
                               m_options.trustedProxies);
    m_age.start();
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this,
            &SocketIoServerSession::onTextMessage);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, [this] {
        if (!m_frozen)
            close(codecErrorName(CodecError::UnsupportedBinary));
    });
    connect(m_socket.get(), &QWebSocket::disconnected, this,
            [this] { close(QStringLiteral("transport close")); });

    m_pingTimer.setInterval(m_options.pingInterval);
    connect(&m_pingTimer, &QTimer::timeout, this, &SocketIoServerSession::sendPing);
    m_pongTimer.setSingleShot(true);
    connect(&m_pongTimer, &QTimer::timeout, this,
            [this] { close(QStringLiteral("ping timeout")); });
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this,
            [this] { close(QStringLiteral("no CONNECT in time")); });

    engineio::Handshake handshake;
    handshake.sid = m_sid;
    handshake.pingIntervalMs = static_cast<int>(m_options.pingInterval.count());
    handshake.pingTimeoutMs = static_cast<int>(m_options.pingTimeout.count());
    handshake.maxPayload = m_options.maxPayload;
    send(engineio::encode({engineio::PacketType::Open, engineio::encodeHandshake(handshake)}));
    m_pingTimer.start();
    m_connectTimer.start(m_options.connectTimeout);
}

SocketIoServerSession::~SocketIoServerSession()
{
    m_acks.failAll(AckOutcome::Status::Disconnected, QStringLiteral("session destroyed"));
    if (m_socket)
        m_socket->disconnect(this);
}

void SocketIoServerSession::send(const QString& frame)
{
    if (!m_closed)
        m_socket->sendTextMessage(frame);
}

void SocketIoServerSession::sendRawFrame(const QString& frame)
{
    send(frame);
}

void SocketIoServerSession::setFrozen(bool frozen)
{
    m_frozen = frozen;
    if (frozen) {
        m_pingTimer.stop();
        m_pongTimer.stop();
    } else if (!m_closed) {
        m_pingTimer.start();
    }
}

void SocketIoServerSession::emitEvent(const QString& event, const QJsonArray& args)
{
    if (m_connected)
        send(socketio::encodeFrame(socketio::Packet::event(event, args, -1, m_options.nsp)));
}

void SocketIoServerSession::emitWithAck(const QString& event, const QJsonArray& args,
                                        AckCallback callback, std::chrono::milliseconds timeout)
{
    if (!m_connected) {
        if (callback)
            callback({AckOutcome::Status::NotSent, {}, QStringLiteral("not connected"), {}});
        return;
    }
    const qint64 id = m_acks.add(std::move(callback), timeout);
    send(socketio::encodeFrame(socketio::Packet::event(event, args, id, m_options.nsp)));
}

void SocketIoServerSession::sendAck(qint64 id, const QJsonArray& args)
{
    if (m_connected && id >= 0)
        send(socketio::encodeFrame(socketio::Packet::ack(id, args, m_options.nsp)));
}

void SocketIoServerSession::acceptConnect(const QJsonObject& identity)
{
    m_identity = identity;
    m_connected = true;
    m_connectTimer.stop();
    send(socketio::encodeFrame({socketio::PacketType::Connect, m_options.nsp, -1,
                                QJsonObject{{QStringLiteral("sid"), m_sid}}}));
}

void SocketIoServerSession::refuseConnect(const QString& message, const QJsonObject& data,
                                          const QString& nsp)
{
    QJsonObject payload{{QStringLiteral("message"), message}};
    if (!data.isEmpty())
        payload.insert(QStringLiteral("data"), data);
    send(socketio::encodeFrame(
        {socketio::PacketType::ConnectError, nsp.isEmpty() ? m_options.nsp : nsp, -1, payload}));
}

void SocketIoServerSession::disconnectClient(const QString& reason)
{
    if (m_closed)
        return;
    // DISCONNECT means something only on a connected namespace (a client would report a
    // disconnect it never had a connect for).
    if (m_connected)
        send(socketio::encodeFrame({socketio::PacketType::Disconnect, m_options.nsp}));
    close(reason, true);
}

void SocketIoServerSession::abort()
{
    if (m_closed)
        return;
    m_socket->abort();
    close(QStringLiteral("aborted"));
}

void SocketIoServerSession::sendPing()
{
    if (m_frozen || m_closed)
        return;
    send(engineio::encode({engineio::PacketType::Ping, {}}));
    if (!m_pongTimer.isActive())
        m_pongTimer.start(m_options.pingTimeout);
}

void SocketIoServerSession::goAway(const QString& reason)
{
    close(reason, false, QWebSocketProtocol::CloseCodeGoingAway);
}

void SocketIoServerSession::close(const QString& reason, bool awaitPeer,
                                  QWebSocketProtocol::CloseCode code)
{
    if (m_closed)
        return;
    m_closed = true;
    m_connected = false;
    m_pingTimer.stop();
    m_pongTimer.stop();
    m_connectTimer.stop();
    qCDebug(lcServerSocket) << "session" << m_sid << "closed:" << reason;
    m_acks.failAll(AckOutcome::Status::Disconnected, reason);
    m_socket->disconnect(this);
    // The session ends now (the hub forgets it at once); its socket lives on until the goodbye
    // has reached the client.
    WebSocketCloser::close(std::move(m_socket), code, reason,
                           awaitPeer ? m_options.closeLinger : std::chrono::milliseconds::zero(),
                           parent());
    emit closed(reason);
}

void SocketIoServerSession::onTextMessage(const QString& frame)
{
    if (m_frozen || m_closed)
        return;
    const auto decoded = engineio::decode(frame, m_options.maxPayload);
    if (!decoded.ok()) {
        qCInfo(lcServerSocket) << "session" << m_sid << "sent a bad frame:" << decoded.describe();
        close(QStringLiteral("parse error: ") + decoded.describe());
        return;
    }
    const auto& packet = decoded.value();
    switch (packet.type) {
    case engineio::PacketType::Pong:
        m_pongTimer.stop();
        break;
    case engineio::PacketType::Close:
        close(QStringLiteral("client close"), true);
        break;
    case engineio::PacketType::Message: {
        const auto sio = socketio::decode(packet.data);
        if (!sio.ok()) {
            qCInfo(lcServerSocket) << "session" << m_sid << "sent a bad packet:" << sio.describe();
            close(QStringLiteral("parse error: ") + sio.describe());
            return;
        }
        onPacket(sio.value());
        break;
    }
    case engineio::PacketType::Open:
    case engineio::PacketType::Ping:
    case engineio::PacketType::Upgrade:
    case engineio::PacketType::Noop:
        break;
    }
}

void SocketIoServerSession::onPacket(const socketio::Packet& packet)
{
    if (packet.nsp != m_options.nsp) {
        // Answered on the namespace asked for: a client waits for that one (the stock client
        // would wait forever for an answer on "/"). Nothing else there is ours to act on.
        if (packet.type == socketio::PacketType::Connect)
            refuseConnect(QStringLiteral("Invalid namespace"), {}, packet.nsp);
        return;
    }
    switch (packet.type) {
    case socketio::PacketType::Connect:
        if (m_connected) {
            // Each repeat would authenticate again, refill the rate-limit bucket, add an event
            // handler and replay the log; the reference server closes such a client too.
            qCInfo(lcServerSocket) << "session" << m_sid << "sent CONNECT while connected";
            close(QStringLiteral("protocol error: CONNECT on a connected namespace"));
            return;
        }
        m_auth = packet.data.toObject();
        emit connectRequested(m_auth);
        break;
    case socketio::PacketType::Disconnect:
        close(QStringLiteral("client namespace disconnect"), true);
        break;
    case socketio::PacketType::Event:
        if (m_connected)
            emit eventReceived(packet.eventName(), packet.eventArgs(), packet.id);
        break;
    case socketio::PacketType::Ack:
        m_acks.resolve(packet.id, packet.data.toArray());
        break;
    case socketio::PacketType::ConnectError:
    case socketio::PacketType::BinaryEvent:
    case socketio::PacketType::BinaryAck:
        break;
    }
}

} // namespace crm
