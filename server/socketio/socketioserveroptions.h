#pragma once

#include <chrono>
#include <QHostAddress>
#include <QList>
#include <QString>

namespace crm {

struct SocketIoServerOptions
{
    using Millis = std::chrono::milliseconds;

    QString path = QStringLiteral("/socket.io/");
    QString nsp = QStringLiteral("/");
    Millis pingInterval{25000};
    Millis pingTimeout{20000};
    qint64 maxPayload = 1000000;
    // A client must complete the Socket.IO CONNECT within this time or it is closed.
    Millis connectTimeout{45000};
    // After a goodbye (DISCONNECT) the server keeps reading until the client closes the
    // WebSocket, as Socket.IO clients do at once, for at most this long; then it closes itself
    // (WebSocketCloser says why it does not close at once).
    Millis closeLinger{2000};
    // Proxies whose X-Forwarded-For names the client (ClientAddress): the session's peer().
    QList<QHostAddress> trustedProxies;
};

} // namespace crm
