#pragma once

#include <QByteArray>

namespace crm {

// Tells systemd how the service is doing (Type=notify): READY=1 once it listens, RELOADING=1
// and READY=1 around a reload, STOPPING=1 when it drains. Speaks sd_notify's datagram protocol
// to $NOTIFY_SOCKET itself (a path, or '@' for the abstract namespace), so crm-server needs no
// libsystemd; without that variable (not started by systemd) every call does nothing.
class SystemdNotifier
{
public:
    static bool notify(const QByteArray& state);
    static bool ready() { return notify("READY=1"); }
    static bool stopping() { return notify("STOPPING=1"); }
    static bool reloading() { return notify("RELOADING=1"); }
    static bool status(const QByteArray& text) { return notify("STATUS=" + text); }
};

} // namespace crm
