#pragma once

#include "protocol/connectionstate.h"
#include "protocol/engineiocodec.h"
#include "protocol/pendingacks.h"
#include "realtime/ackresponder.h"
#include "realtime/backoffpolicy.h"
#include "realtime/connectionconfig.h"
#include "realtime/ephemeralbuffer.h"
#include "realtime/heartbeatdeadline.h"

#include <functional>
#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;
class QWebSocket;

namespace crm {

namespace socketio {
struct Packet;
}

// The one place that owns a socket and schedules retries. It speaks Socket.IO v4 over a
// WebSocket, keeps the link alive by Engine.IO v4's rules (the server pings, we answer, silence
// longer than pingInterval + pingTimeout means the link is dead), and reconnects with jittered
// exponential backoff, probing cheaply while it waits so a server that comes back is used at
// once (see startProbing()). It never resends anything on its own: when a link drops, every
// pending ack fails with Disconnected and the layer above (the outbox) decides.
class ConnectionManager : public QObject
{
    Q_OBJECT
public:
    using AuthProvider = std::function<QJsonObject()>;
    using Millis = std::chrono::milliseconds;

    explicit ConnectionManager(ConnectionConfig config, QObject* parent = nullptr);
    ~ConnectionManager() override;

    // Asked for the CONNECT payload ({"token", "clientId", "since"}) at every attempt, so a
    // refreshed token or a newer seq is always what goes out.
    void setAuthProvider(AuthProvider provider);
    void setServerUrl(const QUrl& url);
    const ConnectionConfig& config() const { return m_config; }

    ConnectionState state() const { return m_state; }
    QString reason() const { return m_reason; }
    // Why the link went down last time, without the retry countdown the reason adds.
    QString lastError() const { return m_lastError; }
    int attempt() const { return m_attempt; }
    // Time until the scheduled retry while Reconnecting, else -1.
    qint64 msUntilReconnect() const;
    QString sessionId() const { return m_sessionId; }
    const engineio::Handshake& handshake() const { return m_handshake; }
    qint64 droppedEphemeralCount() const { return m_ephemeral.droppedCount(); }
    qsizetype bufferedEphemeralCount() const { return m_ephemeral.size(); }
    qsizetype pendingAckCount() const { return m_acks.size(); }

    // Fire and forget. False when not Online or the frame is too large: nothing was sent.
    bool emitEvent(const QString& event, const QJsonArray& args = {});
    // The callback runs exactly once, never from inside this call: Acked, TimedOut,
    // Disconnected (link dropped first) or NotSent.
    void emitWithAck(const QString& event, const QJsonArray& args, AckCallback callback);
    void emitWithAck(const QString& event, const QJsonArray& args, AckCallback callback,
                     Millis timeout);
    // For state that only matters while fresh: sent now when Online, else buffered (bounded,
    // coalesced by key) and sent right after the next connect.
    void emitEphemeral(const QString& event, const QJsonArray& args,
                       const QString& coalesceKey = {});

public slots:
    void start();
    void stop();
    // Cuts a scheduled wait short; from AuthRequired or Offline it starts again (call it once
    // the auth provider has fresh credentials).
    void reconnectNow();

signals:
    void stateChanged(crm::ConnectionState state, const QString& reason);
    void reconnectScheduled(int attempt, qint64 msUntil);
    void eventReceived(const QString& event, const QJsonArray& args, const crm::AckResponder& ack);
    void latencyMeasured(qint64 ms);
    // CONNECT_ERROR from the server, e.g. {"code": "auth_expired"}: lets the session layer
    // refresh its token before calling reconnectNow().
    void connectErrorReceived(const QString& message, const QJsonObject& data);
    void ephemeralDropped(qint64 totalDropped);
    // One reachability probe ended while a retry waited: could a TCP connection be opened?
    void probed(bool reachable);

private:
    friend class AckResponder;
    bool sendAck(qint64 id, const QJsonArray& args, quint64 linkGeneration);

    void openLink();
    void dropLink(const QString& why, bool retry = true);
    void closeSocket();
    void scheduleReconnect();
    void startProbing();
    void stopProbing();
    void closeProbe();
    void probeServer();
    void onProbeConnected();
    void onProbeFailed();
    void setState(ConnectionState state, const QString& reason);

    void onTextMessage(const QString& frame);
    void onBinaryMessage();
    void onSocketDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void onHandshake(const QString& json);
    void onSocketIoPacket(const socketio::Packet& packet);
    void onHeartbeatTimer();
    void onSleepCheck();
    void onNetworkReachable();
    void armHeartbeat();

    // Every write goes through here: checks the ping deadline first, so a timer delayed by
    // suspend never writes into a link that is already dead.
    bool sendFrame(const QString& frame);
    bool linkAlive();

    ConnectionConfig m_config;
    AuthProvider m_authProvider;
    BackoffPolicy m_backoff;
    EphemeralBuffer m_ephemeral;
    PendingAcks m_acks;
    HeartbeatDeadline m_heartbeat;
    engineio::Handshake m_handshake;

    QPointer<QWebSocket> m_socket;
    QPointer<QTcpSocket> m_probe;
    // A probe failed since the last attempt: the next successful one means "back again".
    bool m_probeSawDown = false;
    quint64 m_linkGeneration = 0;
    ConnectionState m_state = ConnectionState::Offline;
    QString m_reason;
    QString m_lastError;
    QString m_sessionId;
    int m_attempt = 0;

    QTimer m_retryTimer;
    QTimer m_connectTimer;
    QTimer m_heartbeatTimer;
    QTimer m_stableTimer;
    QTimer m_sleepCheckTimer;
    QTimer m_probeTimer;
    QElapsedTimer m_connectStarted;
    qint64 m_lastSleepCheckWallMs = 0;
};

} // namespace crm
