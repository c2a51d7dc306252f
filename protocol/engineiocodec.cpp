#include "protocol/engineiocodec.h"

#include <algorithm>
#include <cmath>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace crm::engineio {

QString encode(const Packet& packet)
{
    QString out;
    out.reserve(packet.data.size() + 1);
    out.append(QChar(u'0' + static_cast<char16_t>(packet.type)));
    out.append(packet.data);
    return out;
}

qint64 wireSize(QStringView frame)
{
    return frame.toUtf8().size();
}

CodecResult<Packet> decode(QStringView frame, qint64 maxPayload)
{
    if (frame.isEmpty())
        return {CodecError::Empty, QStringLiteral("Engine.IO frame has no type")};
    // UTF-16 length is a lower bound of the UTF-8 size and 3x an upper bound: count bytes only
    // when those bounds do not already decide.
    if (frame.size() > maxPayload ||
        (frame.size() * 3 > maxPayload && wireSize(frame) > maxPayload))
        return {CodecError::Oversized, QStringLiteral("frame of %1 characters exceeds %2 bytes")
                                           .arg(frame.size())
                                           .arg(maxPayload)};
    const char16_t digit = frame.front().unicode();
    if (digit < u'0' || digit > u'6')
        return {CodecError::UnknownType,
                QStringLiteral("Engine.IO type '%1' is not 0-6").arg(frame.front())};
    Packet packet;
    packet.type = static_cast<PacketType>(digit - u'0');
    packet.data = frame.mid(1).toString();
    return packet;
}

QString encodeHandshake(const Handshake& handshake)
{
    QJsonObject json{{QStringLiteral("sid"), handshake.sid},
                     {QStringLiteral("upgrades"), QJsonArray::fromStringList(handshake.upgrades)},
                     {QStringLiteral("pingInterval"), handshake.pingIntervalMs},
                     {QStringLiteral("pingTimeout"), handshake.pingTimeoutMs},
                     {QStringLiteral("maxPayload"), handshake.maxPayload}};
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

CodecResult<Handshake> decodeHandshake(QStringView json)
{
    QJsonParseError parseError;
    const auto doc = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return {CodecError::BadOpenPacket, QStringLiteral("OPEN payload is not a JSON object")};
    const auto obj = doc.object();
    const auto sid = obj.value(QStringLiteral("sid"));
    const auto interval = obj.value(QStringLiteral("pingInterval"));
    const auto timeout = obj.value(QStringLiteral("pingTimeout"));
    if (!sid.isString() || sid.toString().isEmpty())
        return {CodecError::BadOpenPacket, QStringLiteral("OPEN payload has no sid")};
    // Intervals must be positive and sane: a hostile value must not turn into a busy loop or an
    // overflow when the client adds them up for its deadline.
    constexpr double kMaxIntervalMs = 24.0 * 3600 * 1000;
    auto validInterval = [&](const QJsonValue& v) {
        return v.isDouble() && v.toDouble() > 0 && v.toDouble() <= kMaxIntervalMs;
    };
    if (!validInterval(interval) || !validInterval(timeout))
        return {CodecError::BadOpenPacket,
                QStringLiteral("OPEN payload has missing or invalid pingInterval/pingTimeout")};
    Handshake handshake;
    handshake.sid = sid.toString();
    // Fractions round up (0.5 ms must not become a zero-length window); the bound above keeps
    // the conversions defined.
    handshake.pingIntervalMs = static_cast<int>(std::ceil(interval.toDouble()));
    handshake.pingTimeoutMs = static_cast<int>(std::ceil(timeout.toDouble()));
    // A limit beyond a terabyte means "no practical limit"; clamping keeps the cast defined.
    constexpr double kMaxPayloadCeiling = 1099511627776.0;
    const auto maxPayload = obj.value(QStringLiteral("maxPayload"));
    if (maxPayload.isDouble() && maxPayload.toDouble() >= 1)
        handshake.maxPayload =
            static_cast<qint64>(std::min(maxPayload.toDouble(), kMaxPayloadCeiling));
    for (const auto& upgrade : obj.value(QStringLiteral("upgrades")).toArray())
        handshake.upgrades.append(upgrade.toString());
    return handshake;
}

} // namespace crm::engineio
