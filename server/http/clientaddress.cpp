#include "server/http/clientaddress.h"

#include <QStringList>

namespace crm {

namespace {

// IPv4 peers on a dual-stack socket come as ::ffff:a.b.c.d; compare them as IPv4.
bool isTrusted(const QHostAddress& address, const QList<QHostAddress>& trusted)
{
    for (const QHostAddress& proxy : trusted)
        if (proxy.isEqual(address, QHostAddress::TolerantConversion))
            return true;
    return false;
}

QString shown(const QHostAddress& address)
{
    bool ok = false;
    const quint32 v4 = address.toIPv4Address(&ok);
    return ok ? QHostAddress(v4).toString() : address.toString();
}

} // namespace

QString ClientAddress::of(const QHostAddress& peer, const QByteArray& forwardedFor,
                          const QList<QHostAddress>& trustedProxies)
{
    if (!isTrusted(peer, trustedProxies))
        return shown(peer);
    const QStringList hops = QString::fromLatin1(forwardedFor).split(u',', Qt::SkipEmptyParts);
    QHostAddress nearest = peer;
    for (auto it = hops.crbegin(); it != hops.crend(); ++it) {
        const QHostAddress hop(it->trimmed());
        if (hop.isNull())
            break; // a malformed hop: what lies beyond it cannot be told
        nearest = hop;
        if (!isTrusted(hop, trustedProxies))
            break;
    }
    return shown(nearest);
}

} // namespace crm
