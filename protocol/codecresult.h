#pragma once

#include <optional>
#include <QString>
#include <utility>

namespace crm {

// Why a frame was refused. Every malformed input maps to one of these; the decoder never throws
// and never crashes, so a hostile peer can only earn itself a typed error and a closed link.
enum class CodecError
{
    Empty,             // zero-length frame
    Oversized,         // larger than the negotiated maxPayload
    UnknownType,       // packet type digit outside the protocol
    BadNamespace,      // namespace not starting with '/' or containing forbidden characters
    BadAckId,          // ack id with too many digits (beyond 2^53 - 1)
    UnsupportedBinary, // BINARY_EVENT / BINARY_ACK or a binary frame: our protocol is JSON only
    BadJson,           // payload is not valid JSON (or has trailing garbage)
    MissingPayload,    // a packet kind that needs a payload came without one
    UnexpectedPayload, // a packet kind that takes no payload came with one
    WrongPayloadType,  // e.g. CONNECT payload that is not an object, EVENT that is not an array
    EmptyEvent,        // EVENT with an empty array
    EventNameNotString,
    ReservedEventName, // connect, disconnect, ... are Socket.IO's own and never user events
    MissingAckId,      // ACK without an id
    BadOpenPacket,     // Engine.IO OPEN handshake missing sid / intervals
};

QString codecErrorName(CodecError error);

// A decoded value or the reason it could not be decoded. Small on purpose: callers check ok(),
// then take value() or error()/detail().
template <typename T> class CodecResult
{
public:
    CodecResult(T value) : m_value(std::move(value)) {}
    CodecResult(CodecError error, QString detail) : m_error(error), m_detail(std::move(detail)) {}

    bool ok() const { return m_value.has_value(); }
    const T& value() const& { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    CodecError error() const { return m_error; }
    const QString& detail() const { return m_detail; }
    QString describe() const { return codecErrorName(m_error) + QStringLiteral(": ") + m_detail; }

private:
    std::optional<T> m_value;
    CodecError m_error = CodecError::Empty;
    QString m_detail;
};

} // namespace crm
