#pragma once

#include <chrono>
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
};

} // namespace crm
