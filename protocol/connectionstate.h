#pragma once

#include <QMetaType>
#include <QString>

namespace crm {

enum class ConnectionState
{
    Offline,        // not started, or stopped on purpose
    Connecting,     // opening the WebSocket and waiting for the Engine.IO handshake
    Authenticating, // handshake done, Socket.IO CONNECT with credentials sent
    Online,         // namespace connected: events flow
    Reconnecting,   // link lost; a retry is scheduled (see attempt / msUntilReconnect)
    AuthRequired,   // the server refused the credentials: no retries until new ones are given
};

// Stable, untranslated identifier ("online", "auth-required", ...) for logs, JSON and tests.
// The UI translates states itself.
QString connectionStateKey(ConnectionState state);

} // namespace crm

Q_DECLARE_METATYPE(crm::ConnectionState)
