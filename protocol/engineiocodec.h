#pragma once

#include "protocol/codecresult.h"

#include <QString>
#include <QStringList>

// Engine.IO protocol v4 over WebSocket: one packet per text frame, a single type digit followed
// by the packet's data. Pure functions: no sockets, no state.
namespace crm::engineio {

enum class PacketType
{
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6
};

struct Packet
{
    PacketType type = PacketType::Noop;
    QString data;

    friend bool operator==(const Packet&, const Packet&) = default;
};

// The OPEN packet's JSON: what the server tells the client at the start of every session.
struct Handshake
{
    QString sid;
    QStringList upgrades;
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    qint64 maxPayload = 1000000;
};

// Default ceiling for one frame when the handshake has not told us yet (Engine.IO's own default).
inline constexpr qint64 kDefaultMaxPayload = 1000000;

QString encode(const Packet& packet);
CodecResult<Packet> decode(QStringView frame, qint64 maxPayload = kDefaultMaxPayload);

QString encodeHandshake(const Handshake& handshake);
CodecResult<Handshake> decodeHandshake(QStringView json);

// Size of a frame on the wire (UTF-8 bytes), computed only when the cheap bound is not enough.
qint64 wireSize(QStringView frame);

} // namespace crm::engineio
