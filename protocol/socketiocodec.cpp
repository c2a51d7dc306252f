#include "protocol/socketiocodec.h"

#include "protocol/jsontext.h"

namespace crm::socketio {

namespace {

bool isValidNamespace(QStringView nsp)
{
    if (nsp.isEmpty() || nsp.front() != u'/')
        return false;
    for (const QChar c : nsp) {
        if (c.unicode() < 0x20 || c.isSpace())
            return false;
    }
    return true;
}

// Checks the payload against what each packet kind allows, as the reference parser does.
CodecResult<Packet> validated(Packet packet)
{
    const auto& data = packet.data;
    switch (packet.type) {
    case PacketType::Connect:
        if (!data.isUndefined() && !data.isObject())
            return {CodecError::WrongPayloadType,
                    QStringLiteral("CONNECT payload must be an object")};
        break;
    case PacketType::Disconnect:
        if (!data.isUndefined())
            return {CodecError::UnexpectedPayload, QStringLiteral("DISCONNECT takes no payload")};
        break;
    case PacketType::Event: {
        if (data.isUndefined())
            return {CodecError::MissingPayload, QStringLiteral("EVENT needs an array payload")};
        if (!data.isArray())
            return {CodecError::WrongPayloadType, QStringLiteral("EVENT payload must be an array")};
        const auto array = data.toArray();
        if (array.isEmpty())
            return {CodecError::EmptyEvent, QStringLiteral("EVENT array has no event name")};
        if (!array.first().isString())
            return {CodecError::EventNameNotString, QStringLiteral("EVENT name must be a string")};
        if (isReservedEventName(array.first().toString()))
            return {CodecError::ReservedEventName,
                    QStringLiteral("'%1' is reserved by Socket.IO").arg(array.first().toString())};
        break;
    }
    case PacketType::Ack:
        if (!packet.hasId())
            return {CodecError::MissingAckId, QStringLiteral("ACK packet carries no id")};
        if (!data.isArray())
            return {data.isUndefined() ? CodecError::MissingPayload : CodecError::WrongPayloadType,
                    QStringLiteral("ACK payload must be an array")};
        break;
    case PacketType::ConnectError:
        if (!data.isObject())
            return {data.isUndefined() ? CodecError::MissingPayload : CodecError::WrongPayloadType,
                    QStringLiteral("CONNECT_ERROR payload must be an object")};
        break;
    case PacketType::BinaryEvent:
    case PacketType::BinaryAck:
        return {CodecError::UnsupportedBinary, QStringLiteral("binary packets are not supported")};
    }
    return packet;
}

} // namespace

QString Packet::eventName() const
{
    return data.toArray().first().toString();
}

QJsonArray Packet::eventArgs() const
{
    auto array = data.toArray();
    if (!array.isEmpty())
        array.removeFirst();
    return array;
}

Packet Packet::connect(const QJsonObject& auth, const QString& nsp)
{
    return {PacketType::Connect, nsp, -1,
            auth.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(auth)};
}

Packet Packet::event(const QString& name, const QJsonArray& args, qint64 id, const QString& nsp)
{
    QJsonArray array{name};
    for (const auto& arg : args)
        array.append(arg);
    return {PacketType::Event, nsp, id, array};
}

Packet Packet::ack(qint64 id, const QJsonArray& args, const QString& nsp)
{
    return {PacketType::Ack, nsp, id, args};
}

bool isReservedEventName(QStringView name)
{
    static constexpr QStringView reserved[] = {u"connect",     u"connect_error",
                                               u"disconnect",  u"disconnecting",
                                               u"newListener", u"removeListener"};
    for (const auto r : reserved) {
        if (name == r)
            return true;
    }
    return false;
}

namespace {

void encodeInto(const Packet& packet, QString& out)
{
    out.append(QChar(u'0' + static_cast<char16_t>(packet.type)));
    if (packet.nsp != u"/" && !packet.nsp.isEmpty()) {
        out.append(packet.nsp);
        out.append(u',');
    }
    if (packet.hasId())
        out.append(QString::number(packet.id));
    if (packet.data.isArray() || packet.data.isObject())
        json::write(packet.data, out);
}

} // namespace

QString encode(const Packet& packet)
{
    QString out;
    out.reserve(128);
    encodeInto(packet, out);
    return out;
}

QString encodeFrame(const Packet& packet)
{
    QString out;
    out.reserve(128);
    out.append(u'4');
    encodeInto(packet, out);
    return out;
}

CodecResult<Packet> decode(QStringView text)
{
    if (text.isEmpty())
        return {CodecError::Empty, QStringLiteral("Socket.IO packet has no type")};
    const char16_t digit = text.front().unicode();
    if (digit < u'0' || digit > u'6')
        return {CodecError::UnknownType,
                QStringLiteral("Socket.IO type '%1' is not 0-6").arg(text.front())};

    Packet packet;
    packet.type = static_cast<PacketType>(digit - u'0');
    if (packet.type == PacketType::BinaryEvent || packet.type == PacketType::BinaryAck)
        return {CodecError::UnsupportedBinary,
                QStringLiteral("binary packets are not supported; send JSON")};

    qsizetype i = 1;
    const qsizetype n = text.size();
    if (i < n && text[i] == u'/') {
        qsizetype comma = text.indexOf(u',', i);
        if (comma < 0)
            comma = n;
        const auto nsp = text.mid(i, comma - i);
        if (!isValidNamespace(nsp))
            return {CodecError::BadNamespace,
                    QStringLiteral("namespace contains control characters")};
        packet.nsp = nsp.toString();
        i = comma < n ? comma + 1 : n;
    }

    if (i < n && text[i].unicode() >= u'0' && text[i].unicode() <= u'9') {
        qint64 id = 0;
        while (i < n && text[i].unicode() >= u'0' && text[i].unicode() <= u'9') {
            const qint64 d = text[i].unicode() - u'0';
            if (id > (kMaxAckId - d) / 10)
                return {CodecError::BadAckId, QStringLiteral("ack id exceeds 2^53 - 1")};
            id = id * 10 + d;
            ++i;
        }
        packet.id = id;
    }

    if (i < n) {
        auto payload = json::read(text.mid(i));
        if (!payload.ok())
            return {CodecError::BadJson, payload.detail()};
        packet.data = std::move(payload).value();
    }
    return validated(std::move(packet));
}

} // namespace crm::socketio
