#pragma once

#include "protocol/parsed.h"

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

// Reads the optional members of one message, remembering the first one that has the wrong type
// (the message is then refused naming it). Absent or null members keep their default: older
// peers leave some out, and JavaScript clients send null for an unset one.
class MemberReader
{
public:
    explicit MemberReader(const QJsonObject& json) : m_json(json) {}

    void text(const char* member, QString& out)
    {
        const QJsonValue value = m_json.value(QLatin1String(member));
        if (value.isString())
            out = value.toString();
        else if (!value.isUndefined() && !value.isNull())
            refuse(member, QStringLiteral("must be text"));
    }
    void flag(const char* member, bool& out)
    {
        const QJsonValue value = m_json.value(QLatin1String(member));
        if (value.isBool())
            out = value.toBool();
        else if (!value.isUndefined() && !value.isNull())
            refuse(member, QStringLiteral("must be true or false"));
    }
    template <typename Int> void number(const char* member, Int& out, qint64 least, qint64 most)
    {
        const QJsonValue value = m_json.value(QLatin1String(member));
        if (value.isUndefined() || value.isNull())
            return;
        if (const auto whole = wholeNumber(value, least, most))
            out = static_cast<Int>(*whole);
        else
            refuse(member,
                   QStringLiteral("must be a whole number from %1 to %2").arg(least).arg(most));
    }
    void object(const char* member, QJsonObject& out)
    {
        const QJsonValue value = m_json.value(QLatin1String(member));
        if (value.isObject())
            out = value.toObject();
        else if (!value.isUndefined() && !value.isNull())
            refuse(member, QStringLiteral("must be an object"));
    }
    void refuse(const char* member, const QString& why)
    {
        if (!m_error)
            m_error = badMember(QLatin1String(member), why);
    }
    const std::optional<WireError>& error() const { return m_error; }

private:
    const QJsonObject& m_json;
    std::optional<WireError> m_error;
};

} // namespace crm
