// ClientAddress: who a request comes from behind trusted proxies, and nothing a client claims
// beyond them believed.
#include "server/http/clientaddress.h"

#include <catch2/catch.hpp>

using namespace crm;

TEST_CASE("ClientAddress: the peer unless it is a trusted proxy, then the nearest untrusted hop "
          "of X-Forwarded-For",
          "[http]")
{
    const QHostAddress nginx(QStringLiteral("10.0.0.5"));
    const QList<QHostAddress> trusted{nginx, QHostAddress(QStringLiteral("10.0.0.6"))};
    // Straight from a client: its own address, whatever header it sends.
    CHECK(ClientAddress::of(QHostAddress(QStringLiteral("203.0.113.9")), "198.51.100.1", trusted) ==
          QStringLiteral("203.0.113.9"));
    // Through nginx: the address nginx appended.
    CHECK(ClientAddress::of(nginx, "203.0.113.9", trusted) == QStringLiteral("203.0.113.9"));
    // A client's own claim left of it is not believed.
    CHECK(ClientAddress::of(nginx, "198.51.100.1, 203.0.113.9", trusted) ==
          QStringLiteral("203.0.113.9"));
    // Two proxies in a row: the first untrusted hop from the right.
    CHECK(ClientAddress::of(nginx, "198.51.100.1, 203.0.113.9, 10.0.0.6", trusted) ==
          QStringLiteral("203.0.113.9"));
    // A trusted proxy with no header, or garbage: the proxy itself (never a guess).
    CHECK(ClientAddress::of(nginx, "", trusted) == QStringLiteral("10.0.0.5"));
    CHECK(ClientAddress::of(nginx, "not-an-address", trusted) == QStringLiteral("10.0.0.5"));
    // IPv4 on a dual-stack socket counts as the same proxy, and is shown plain.
    CHECK(ClientAddress::of(QHostAddress(QStringLiteral("::ffff:10.0.0.5")), "2001:db8::7",
                            trusted) == QStringLiteral("2001:db8::7"));
    CHECK(ClientAddress::of(QHostAddress(QStringLiteral("::ffff:192.0.2.4")), "", {}) ==
          QStringLiteral("192.0.2.4"));
    // No trusted proxies (the default): always the peer.
    CHECK(ClientAddress::of(nginx, "203.0.113.9", {}) == QStringLiteral("10.0.0.5"));
}
