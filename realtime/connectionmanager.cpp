#include "realtime/connectionmanager.h"

#include "protocol/eventnames.h"
#include "protocol/socketiocodec.h"
#include "realtime/logging.h"

#include <QDateTime>
#include <QNetworkInformation>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>

namespace crm {

using std::chrono::duration_cast;

namespace {

bool isAuthRefusal(const QJsonObject& data)
{
    return data.value(QStringLiteral("code")).toString().startsWith(QStringLiteral("auth_"));
}

} // namespace

QUrl ConnectionConfig::socketUrl() const
{
    QUrl url = serverUrl;
    if (url.scheme() == QStringLiteral("http"))
        url.setScheme(QStringLiteral("ws"));
    else if (url.scheme() == QStringLiteral("https"))
        url.setScheme(QStringLiteral("wss"));
    url.setPath(path);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("EIO"), QStringLiteral("4"));
    query.addQueryItem(QStringLiteral("transport"), QStringLiteral("websocket"));
    url.setQuery(query);
    return url;
}

ConnectionManager::ConnectionManager(ConnectionConfig config, QObject* parent)
    : QObject(parent), m_config(std::move(config)),
      m_backoff(m_config.backoffSeed ? BackoffPolicy(m_config.backoffBase, m_config.backoffCap,
                                                     *m_config.backoffSeed)
                                     : BackoffPolicy(m_config.backoffBase, m_config.backoffCap)),
      m_ephemeral(m_config.ephemeralCapacity)
{
    qRegisterMetaType<crm::ConnectionState>();
    qRegisterMetaType<crm::AckResponder>();

    for (QTimer* timer :
         {&m_retryTimer, &m_connectTimer, &m_heartbeatTimer, &m_stableTimer, &m_probeTimer})
        timer->setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ConnectionManager::openLink);
    connect(&m_probeTimer, &QTimer::timeout, this, &ConnectionManager::probeServer);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        dropLink(tr("No answer from the server within %1 s")
                     .arg(m_config.connectTimeout.count() / 1000.0));
    });
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ConnectionManager::onHeartbeatTimer);
    connect(&m_stableTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcConnection) << "link stable: retry counter reset";
        m_attempt = 0;
    });

    m_sleepCheckTimer.setInterval(m_config.resumeCheckInterval);
    connect(&m_sleepCheckTimer, &QTimer::timeout, this, &ConnectionManager::onSleepCheck);
    if (m_config.watchNetwork) {
        if (QNetworkInformation::loadBackendByFeatures(
                QNetworkInformation::Feature::Reachability)) {
            connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged,
                    this, [this](QNetworkInformation::Reachability reachability) {
                        if (reachability == QNetworkInformation::Reachability::Online)
                            onNetworkReachable();
                    });
        } else {
            qCInfo(lcConnection) << "no network-information backend: relying on heartbeat and"
                                 << "backoff alone";
        }
    }
}

ConnectionManager::~ConnectionManager()
{
    // Silence: owners being destroyed do not want callbacks into half-dead objects.
    m_acks.failAll(AckOutcome::Status::Disconnected, tr("Connection manager destroyed"));
    stopProbing();
    closeSocket();
}

void ConnectionManager::setAuthProvider(AuthProvider provider)
{
    m_authProvider = std::move(provider);
}

void ConnectionManager::setServerUrl(const QUrl& url)
{
    m_config.serverUrl = url;
}

qint64 ConnectionManager::msUntilReconnect() const
{
    return m_state == ConnectionState::Reconnecting && m_retryTimer.isActive()
               ? m_retryTimer.remainingTime()
               : -1;
}

void ConnectionManager::start()
{
    if (m_state != ConnectionState::Offline && m_state != ConnectionState::AuthRequired)
        return;
    m_attempt = 0;
    if (m_config.detectResume) {
        m_lastSleepCheckWallMs = QDateTime::currentMSecsSinceEpoch();
        m_sleepCheckTimer.start();
    }
    openLink();
}

void ConnectionManager::stop()
{
    if (m_state == ConnectionState::Offline)
        return;
    m_sleepCheckTimer.stop();
    m_retryTimer.stop();
    stopProbing();
    if (m_state == ConnectionState::Online && linkAlive()) {
        // Say goodbye so the server drops our presence at once instead of after a ping timeout.
        sendFrame(socketio::encodeFrame({socketio::PacketType::Disconnect, m_config.nsp}));
        m_socket->flush();
    }
    dropLink(tr("Disconnected on request"), false);
    setState(ConnectionState::Offline, tr("Disconnected on request"));
}

void ConnectionManager::reconnectNow()
{
    switch (m_state) {
    case ConnectionState::Offline:
    case ConnectionState::AuthRequired:
        start();
        break;
    case ConnectionState::Reconnecting:
        m_retryTimer.stop();
        openLink();
        break;
    default:
        break; // already trying or connected
    }
}

void ConnectionManager::openLink()
{
    stopProbing();
    closeSocket();
    ++m_linkGeneration;
    m_sessionId.clear();
    m_handshake = {};

    auto* socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::textMessageReceived, this, &ConnectionManager::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &ConnectionManager::onBinaryMessage);
    connect(socket, &QWebSocket::disconnected, this, &ConnectionManager::onSocketDisconnected);
    // Qt 6.4 names the signal error(); errorOccurred() arrives in 6.5.
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &ConnectionManager::onSocketError);

    setState(ConnectionState::Connecting,
             tr("Connecting to %1").arg(m_config.serverUrl.authority()));
    m_connectStarted.start();
    m_connectTimer.start(m_config.connectTimeout);
    qCDebug(lcConnection) << "opening" << m_config.socketUrl().toString();
    if (m_config.tls)
        socket->setSslConfiguration(*m_config.tls);
    socket->open(m_config.socketUrl());
}

void ConnectionManager::closeSocket()
{
    m_connectTimer.stop();
    m_heartbeatTimer.stop();
    m_stableTimer.stop();
    m_heartbeat.disarm();
    if (!m_socket)
        return;
    QWebSocket* socket = m_socket;
    m_socket.clear();
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void ConnectionManager::dropLink(const QString& why, bool retry)
{
    // Error, disconnect and timers may all report the same dead link: only the first counts.
    if (!m_socket)
        return;
    qCInfo(lcConnection) << "link down:" << why;
    closeSocket();
    m_acks.failAll(AckOutcome::Status::Disconnected, why);
    m_reason = why;
    m_lastError = why;
    if (retry)
        scheduleReconnect();
}

void ConnectionManager::scheduleReconnect()
{
    ++m_attempt;
    const auto delay = m_backoff.delayFor(m_attempt);
    m_retryTimer.start(delay);
    // The reason stays the cause; attempt and countdown are separate so a UI can tick them.
    setState(ConnectionState::Reconnecting, m_lastError);
    emit reconnectScheduled(m_attempt, delay.count());
    startProbing();
}

void ConnectionManager::startProbing()
{
    stopProbing();
    if (m_config.probeInterval <= Millis(0))
        return;
    // Why a plain TCP connect rather than the Engine.IO handshake: it costs the server one accept
    // and one close (no HTTP, no WebSocket upgrade, no session), so every waiting client can do
    // it every second. It only says that the port answers again; the full attempt it triggers
    // is what proves the server. It triggers one only on a change from unreachable to reachable:
    // a server that accepts TCP but refuses or fails the handshake (busy, a proxy answering 502)
    // keeps the backoff and never sees more full handshakes than the backoff allows.
    m_probeSawDown = false;
    // The first probe goes out at once, so that a server that was down when the attempt failed
    // is seen down even if it comes back before the next interval.
    probeServer();
}

void ConnectionManager::stopProbing()
{
    m_probeTimer.stop();
    closeProbe();
}

void ConnectionManager::closeProbe()
{
    if (!m_probe)
        return;
    QTcpSocket* probe = m_probe;
    m_probe.clear();
    probe->disconnect(this);
    probe->abort();
    probe->deleteLater();
}

void ConnectionManager::probeServer()
{
    if (m_probe) {
        // No answer within a whole interval (a host that drops packets) counts as down.
        closeProbe();
        m_probeSawDown = true;
        emit probed(false);
    }
    if (m_state != ConnectionState::Reconnecting)
        return;
    // Jittered by half an interval either way, so clients that lost the same server do not
    // probe, and then reconnect, in lockstep.
    const qint64 interval = m_config.probeInterval.count();
    m_probeTimer.start(Millis(interval / 2 + QRandomGenerator::global()->bounded(interval + 1)));
    auto* probe = new QTcpSocket(this);
    m_probe = probe;
    connect(probe, &QTcpSocket::connected, this, &ConnectionManager::onProbeConnected);
    connect(probe, &QAbstractSocket::errorOccurred, this, &ConnectionManager::onProbeFailed);
    const QUrl& url = m_config.serverUrl;
    const bool secure =
        url.scheme() == QStringLiteral("https") || url.scheme() == QStringLiteral("wss");
    probe->connectToHost(url.host(), static_cast<quint16>(url.port(secure ? 443 : 80)));
}

void ConnectionManager::onProbeConnected()
{
    closeProbe(); // at once: the probe never sends a byte
    emit probed(true);
    if (!m_probeSawDown || m_state != ConnectionState::Reconnecting)
        return;
    // Every client of a restarted server sees it come back within one probe interval; a
    // random pause of up to another interval spreads their handshakes instead of landing them
    // all at once (the stampede the backoff's jitter exists to prevent).
    const qint64 spread =
        QRandomGenerator::global()->bounded(std::max<qint64>(1, m_config.probeInterval.count()));
    const qint64 remaining = m_retryTimer.remainingTime();
    qCInfo(lcConnection) << "server reachable again: retrying in" << spread << "ms instead of"
                         << remaining << "ms";
    m_probeTimer.stop();
    m_retryTimer.start(Millis(remaining >= 0 ? std::min(spread, remaining) : spread));
}

void ConnectionManager::onProbeFailed()
{
    closeProbe();
    m_probeSawDown = true;
    emit probed(false);
}

void ConnectionManager::setState(ConnectionState state, const QString& reason)
{
    if (state == m_state && reason == m_reason)
        return;
    m_state = state;
    m_reason = reason;
    qCDebug(lcConnection) << "state" << connectionStateKey(state) << reason;
    emit stateChanged(state, reason);
}

bool ConnectionManager::linkAlive()
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return false;
    if (m_heartbeat.expired()) {
        dropLink(tr("No ping from the server for %1 s")
                     .arg(static_cast<double>(m_heartbeat.window().count()) / 1000.0));
        return false;
    }
    return true;
}

bool ConnectionManager::sendFrame(const QString& frame)
{
    if (!linkAlive())
        return false;
    m_socket->sendTextMessage(frame);
    return true;
}

bool ConnectionManager::emitEvent(const QString& event, const QJsonArray& args)
{
    if (m_state != ConnectionState::Online || socketio::isReservedEventName(event))
        return false;
    const auto frame =
        socketio::encodeFrame(socketio::Packet::event(event, args, -1, m_config.nsp));
    if (engineio::wireSize(frame) > m_handshake.maxPayload) {
        qCWarning(lcConnection) << "not sending" << event << ": larger than maxPayload";
        return false;
    }
    return sendFrame(frame);
}

void ConnectionManager::emitWithAck(const QString& event, const QJsonArray& args,
                                    AckCallback callback)
{
    emitWithAck(event, args, std::move(callback), m_config.defaultAckTimeout);
}

void ConnectionManager::emitWithAck(const QString& event, const QJsonArray& args,
                                    AckCallback callback, Millis timeout)
{
    auto failLater = [this, &callback](const QString& why) {
        QTimer::singleShot(0, this, [callback = std::move(callback), why] {
            if (callback)
                callback({AckOutcome::Status::NotSent, {}, why, {}});
        });
    };
    if (socketio::isReservedEventName(event))
        return failLater(tr("'%1' is a reserved event name").arg(event));
    if (m_state != ConnectionState::Online)
        return failLater(tr("Not connected"));
    if (!linkAlive()) // found dead: dropLink already ran, and this emit never left
        return failLater(tr("Not connected: %1").arg(m_lastError));

    const auto frame =
        socketio::encodeFrame(socketio::Packet::event(event, args, m_acks.nextId(), m_config.nsp));
    if (engineio::wireSize(frame) > m_handshake.maxPayload)
        return failLater(tr("Message of %1 bytes is larger than the server accepts (%2 bytes)")
                             .arg(engineio::wireSize(frame))
                             .arg(m_handshake.maxPayload));
    m_acks.add(
        [this, callback = std::move(callback)](const AckOutcome& outcome) {
            if (outcome.ok()) {
                emit latencyMeasured(outcome.roundTrip.count());
                // An answer proves the link both ways: the next drop (a server restart, a rate
                // limit) starts from the base delay instead of where the last outage left off.
                if (m_attempt != 0)
                    qCDebug(lcConnection) << "link proven by an answer: retry counter reset";
                m_attempt = 0;
                m_stableTimer.stop();
            }
            if (callback)
                callback(outcome);
        },
        timeout);
    sendFrame(frame);
}

void ConnectionManager::emitEphemeral(const QString& event, const QJsonArray& args,
                                      const QString& coalesceKey)
{
    if (m_state == ConnectionState::Online && emitEvent(event, args))
        return;
    if (m_ephemeral.push({coalesceKey, event, args}))
        emit ephemeralDropped(m_ephemeral.droppedCount());
}

bool ConnectionManager::sendAck(qint64 id, const QJsonArray& args, quint64 linkGeneration)
{
    if (linkGeneration != m_linkGeneration || m_state != ConnectionState::Online)
        return false;
    return sendFrame(socketio::encodeFrame(socketio::Packet::ack(id, args, m_config.nsp)));
}

void ConnectionManager::onTextMessage(const QString& frame)
{
    const auto decoded = engineio::decode(frame, m_handshake.maxPayload);
    if (!decoded.ok()) {
        dropLink(tr("Protocol error from server: %1").arg(decoded.describe()));
        return;
    }
    const auto& packet = decoded.value();
    switch (packet.type) {
    case engineio::PacketType::Open:
        onHandshake(packet.data);
        break;
    case engineio::PacketType::Ping:
        armHeartbeat();
        sendFrame(engineio::encode({engineio::PacketType::Pong, packet.data}));
        break;
    case engineio::PacketType::Close:
        dropLink(tr("The server closed the session"));
        break;
    case engineio::PacketType::Message: {
        const auto sio = socketio::decode(packet.data);
        if (!sio.ok()) {
            dropLink(tr("Protocol error from server: %1").arg(sio.describe()));
            return;
        }
        onSocketIoPacket(sio.value());
        break;
    }
    case engineio::PacketType::Pong:
    case engineio::PacketType::Upgrade:
    case engineio::PacketType::Noop:
        break;
    }
}

void ConnectionManager::onBinaryMessage()
{
    dropLink(
        tr("Protocol error from server: %1").arg(codecErrorName(CodecError::UnsupportedBinary)));
}

void ConnectionManager::onHandshake(const QString& json)
{
    const auto handshake = engineio::decodeHandshake(json);
    if (!handshake.ok()) {
        dropLink(tr("Protocol error from server: %1").arg(handshake.describe()));
        return;
    }
    m_handshake = handshake.value();
    armHeartbeat();
    setState(ConnectionState::Authenticating,
             tr("Signing in to %1").arg(m_config.serverUrl.authority()));
    const QJsonObject auth = m_authProvider ? m_authProvider() : QJsonObject();
    sendFrame(socketio::encodeFrame(socketio::Packet::connect(auth, m_config.nsp)));
}

void ConnectionManager::onSocketIoPacket(const socketio::Packet& packet)
{
    if (packet.nsp != m_config.nsp) {
        qCDebug(lcConnection) << "ignoring packet for namespace" << packet.nsp;
        return;
    }
    switch (packet.type) {
    case socketio::PacketType::Connect: {
        if (m_state != ConnectionState::Authenticating)
            return;
        m_connectTimer.stop();
        m_sessionId = packet.data.toObject().value(QStringLiteral("sid")).toString();
        m_stableTimer.start(m_config.stableAfter);
        setState(ConnectionState::Online,
                 tr("Connected to %1").arg(m_config.serverUrl.authority()));
        emit latencyMeasured(m_connectStarted.elapsed());
        for (auto& entry : m_ephemeral.takeAll())
            emitEvent(entry.event, entry.args);
        break;
    }
    case socketio::PacketType::ConnectError: {
        const auto payload = packet.data.toObject();
        const auto message = payload.value(QStringLiteral("message")).toString();
        const auto data = payload.value(QStringLiteral("data")).toObject();
        emit connectErrorReceived(message, data);
        if (isAuthRefusal(data)) {
            dropLink(message, false);
            setState(
                ConnectionState::AuthRequired,
                tr("Sign-in refused: %1").arg(message.isEmpty() ? tr("no reason given") : message));
        } else {
            dropLink(tr("Server refused the connection: %1").arg(message));
        }
        break;
    }
    case socketio::PacketType::Event: {
        const QString event = packet.eventName();
        if (event == events::AuthRevoked) {
            // The account was disabled or this session signed out: the same credentials can
            // never get back in, so stop like a refused CONNECT instead of retrying. Before the
            // event goes up, so whoever hears it (and signs the user out) finds us stopped.
            const QString message =
                packet.eventArgs().first().toObject().value(QStringLiteral("message")).toString();
            dropLink(message, false);
            setState(ConnectionState::AuthRequired,
                     tr("Signed out by the server: %1")
                         .arg(message.isEmpty() ? tr("no reason given") : message));
        }
        emit eventReceived(event, packet.eventArgs(),
                           packet.hasId() ? AckResponder(this, packet.id, m_linkGeneration)
                                          : AckResponder());
        break;
    }
    case socketio::PacketType::Ack:
        m_acks.resolve(packet.id, packet.data.toArray());
        break;
    case socketio::PacketType::Disconnect:
        dropLink(tr("The server ended the session"));
        break;
    case socketio::PacketType::BinaryEvent:
    case socketio::PacketType::BinaryAck:
        break; // the decoder refuses these already
    }
}

void ConnectionManager::onSocketDisconnected()
{
    if (!m_socket)
        return;
    const QString detail = m_socket->error() != QAbstractSocket::UnknownSocketError
                               ? m_socket->errorString()
                               : m_socket->closeReason();
    if (m_state == ConnectionState::Connecting)
        dropLink(tr("Cannot reach the server: %1").arg(detail));
    else
        dropLink(detail.isEmpty() ? tr("Connection lost") : tr("Connection lost: %1").arg(detail));
}

void ConnectionManager::onSocketError(QAbstractSocket::SocketError error)
{
    if (!m_socket)
        return;
    qCDebug(lcConnection) << "socket error" << error << m_socket->errorString();
    // Every QWebSocket error ends the connection; a failed open never even reaches
    // "disconnected", so the error is where the link is declared down.
    dropLink(m_state == ConnectionState::Connecting
                 ? tr("Cannot reach the server: %1").arg(m_socket->errorString())
                 : tr("Connection lost: %1").arg(m_socket->errorString()));
}

void ConnectionManager::armHeartbeat()
{
    m_heartbeat.arm(Millis(m_handshake.pingIntervalMs + m_handshake.pingTimeoutMs));
    m_heartbeatTimer.start(m_heartbeat.remaining());
}

void ConnectionManager::onHeartbeatTimer()
{
    if (!m_heartbeat.isArmed())
        return;
    if (linkAlive())
        m_heartbeatTimer.start(std::max(Millis(1), m_heartbeat.remaining()));
}

void ConnectionManager::onSleepCheck()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 gap = now - m_lastSleepCheckWallMs;
    m_lastSleepCheckWallMs = now;
    // The timer fires every interval while the machine runs; a much longer wall-clock gap means
    // it slept (or the process was stopped). Check the link now instead of trusting old timers.
    if (gap < 2 * m_config.resumeCheckInterval.count())
        return;
    qCInfo(lcConnection) << "resumed after" << gap << "ms: checking the link";
    if (m_state == ConnectionState::Online || m_state == ConnectionState::Authenticating)
        linkAlive();
    if (m_state == ConnectionState::Reconnecting)
        reconnectNow();
}

void ConnectionManager::onNetworkReachable()
{
    if (m_state == ConnectionState::Reconnecting) {
        qCInfo(lcConnection) << "network is back: retrying now";
        reconnectNow();
    }
}

} // namespace crm
