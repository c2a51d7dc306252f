#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>

namespace crm {

// Who a request really comes from when crm-server sits behind proxies (nginx in a cluster):
// the connection's peer, unless that peer is a trusted proxy, in which case the nearest address
// in X-Forwarded-For that is not itself a trusted proxy. Anything left of that is what the
// client claimed and is never believed. Without it every sign-in behind nginx would count
// against nginx's one address: twenty wrong passwords from anyone would lock everyone out.
class ClientAddress
{
public:
    static QString of(const QHostAddress& peer, const QByteArray& forwardedFor,
                      const QList<QHostAddress>& trustedProxies);
};

} // namespace crm
