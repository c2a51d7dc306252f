#pragma once

#include "protocol/wireerror.h"

#include <optional>
#include <QJsonArray>
#include <QJsonValue>
#include <QList>
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

// A list of messages ("users", "tasks") written and read whole: one malformed entry refuses the
// list, since a list replaces what the reader had and a partial one would drop entries.
template <typename T> QJsonArray listToJson(const QList<T>& items)
{
    QJsonArray list;
    for (const auto& item : items)
        list.append(item.toJson());
    return list;
}

template <typename T> Parsed<QList<T>> listFromJson(const QJsonValue& value, const QString& member)
{
    if (!value.isArray())
        return badMember(member, QStringLiteral("must be a list"));
    QList<T> items;
    for (const auto& item : value.toArray()) {
        if (!item.isObject())
            return badMember(member, QStringLiteral("must hold objects only"));
        auto parsed = T::fromJson(item.toObject());
        if (!parsed.ok())
            return parsed.error();
        items.append(std::move(parsed).value());
    }
    return items;
}

} // namespace crm
