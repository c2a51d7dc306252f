#include "protocol/codecresult.h"

namespace crm {

QString codecErrorName(CodecError error)
{
    switch (error) {
    case CodecError::Empty:
        return QStringLiteral("empty frame");
    case CodecError::Oversized:
        return QStringLiteral("frame too large");
    case CodecError::UnknownType:
        return QStringLiteral("unknown packet type");
    case CodecError::BadNamespace:
        return QStringLiteral("bad namespace");
    case CodecError::BadAckId:
        return QStringLiteral("bad ack id");
    case CodecError::UnsupportedBinary:
        return QStringLiteral("binary packets are not supported");
    case CodecError::BadJson:
        return QStringLiteral("malformed JSON payload");
    case CodecError::MissingPayload:
        return QStringLiteral("missing payload");
    case CodecError::UnexpectedPayload:
        return QStringLiteral("unexpected payload");
    case CodecError::WrongPayloadType:
        return QStringLiteral("wrong payload type");
    case CodecError::EmptyEvent:
        return QStringLiteral("empty event");
    case CodecError::EventNameNotString:
        return QStringLiteral("event name is not a string");
    case CodecError::ReservedEventName:
        return QStringLiteral("reserved event name");
    case CodecError::MissingAckId:
        return QStringLiteral("ack without id");
    case CodecError::BadOpenPacket:
        return QStringLiteral("bad Engine.IO handshake");
    }
    return QStringLiteral("unknown codec error");
}

} // namespace crm
