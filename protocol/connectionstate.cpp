#include "protocol/connectionstate.h"

namespace crm {

QString connectionStateKey(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Offline:
        return QStringLiteral("offline");
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Authenticating:
        return QStringLiteral("authenticating");
    case ConnectionState::Online:
        return QStringLiteral("online");
    case ConnectionState::Reconnecting:
        return QStringLiteral("reconnecting");
    case ConnectionState::AuthRequired:
        return QStringLiteral("auth-required");
    }
    return QStringLiteral("unknown");
}

} // namespace crm
