#pragma once

#include "protocol/wireerror.h"

#include <optional>
#include <QJsonValue>
#include <QtGlobal>
#include <utility>

namespace crm {

// A message read from JSON, or why it was refused (a WireError, usually bad_request, naming the
// member at fault). Every fromJson of this library returns one; none throws.
template <typename T> class Parsed
{
public:
    Parsed(T value) : m_value(std::move(value)) {}
    Parsed(WireError error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    const T& value() const&
    {
        Q_ASSERT(ok());
        return *m_value;
    }
    T&& value() &&
    {
        Q_ASSERT(ok());
        return std::move(*m_value);
    }
    const WireError& error() const { return m_error; }

private:
    std::optional<T> m_value;
    WireError m_error;
};

// A bad_request about one member of a message: "<member> <why>" ("op must be create, update or
// delete"). The member is named in the message only: on the wire `field` names a record field.
inline WireError badMember(const QString& member, const QString& why)
{
    return WireError{ErrorCode::BadRequest, member + u' ' + why, {}, {}, member};
}

// The largest whole number a JSON number (a double) holds exactly: 2^53.
inline constexpr qint64 kMaxExactJsonInteger = qint64(1) << 53;

// A JSON number that is a whole number from `least` to `most`; nullopt for anything else
// (a string, 1.5, 1e300). What every count, version, seq and id of the protocol must be.
inline std::optional<qint64> wholeNumber(const QJsonValue& value, qint64 least,
                                         qint64 most = kMaxExactJsonInteger)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (number < static_cast<double>(least) || number > static_cast<double>(most) ||
        number != static_cast<double>(static_cast<qint64>(number)))
        return std::nullopt;
    return static_cast<qint64>(number);
}

} // namespace crm
