#pragma once

#include "protocol/wireerror.h"

#include <optional>
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
    const T& value() const& { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    const WireError& error() const { return m_error; }

private:
    std::optional<T> m_value;
    WireError m_error;
};

// A bad_request about one member: what parsers return for a wrong shape.
inline WireError badMember(const QString& member, const QString& why)
{
    return WireError{ErrorCode::BadRequest, member + QStringLiteral(": ") + why, member, {}};
}

} // namespace crm
