#pragma once

#include "protocol/codecresult.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// Socket.IO protocol v5 (the one Socket.IO v4 speaks), carried inside Engine.IO MESSAGE packets:
//   <type>[<namespace>,][<ack id>][<JSON payload>]
// Pure functions: no sockets, no state.
namespace crm::socketio {

enum class PacketType
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

// Largest ack id we accept: JavaScript peers cannot represent anything above 2^53 - 1 exactly.
inline constexpr qint64 kMaxAckId = (qint64(1) << 53) - 1;

struct Packet
{
    PacketType type = PacketType::Event;
    QString nsp = QStringLiteral("/");
    qint64 id = -1; // -1: no ack requested
    QJsonValue data = QJsonValue::Undefined;

    bool hasId() const { return id >= 0; }
    // For EVENT packets: the name and the arguments after it.
    QString eventName() const;
    QJsonArray eventArgs() const;

    static Packet connect(const QJsonObject& auth, const QString& nsp = QStringLiteral("/"));
    static Packet event(const QString& name, const QJsonArray& args, qint64 id = -1,
                        const QString& nsp = QStringLiteral("/"));
    static Packet ack(qint64 id, const QJsonArray& args, const QString& nsp = QStringLiteral("/"));

    friend bool operator==(const Packet&, const Packet&) = default;
};

// Names the Socket.IO libraries keep for themselves; a peer must never send them as events.
bool isReservedEventName(QStringView name);

QString encode(const Packet& packet);
CodecResult<Packet> decode(QStringView text);

// Encoded as a whole Engine.IO MESSAGE frame ("4" + packet), the form that goes on the wire.
QString encodeFrame(const Packet& packet);

} // namespace crm::socketio
