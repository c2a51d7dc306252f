#include "protocol/wireerror.h"

namespace crm {

using namespace Qt::StringLiterals;

QJsonObject WireError::toJson() const
{
    QJsonObject json{{u"code"_s, codeName()}, {u"message"_s, message}};
    if (!field.isEmpty())
        json.insert(u"field"_s, field);
    return json;
}

WireError WireError::fromJson(const QJsonObject& json)
{
    WireError error;
    const QString name = json.value(u"code"_s).toString();
    error.code = errorCodeFromName(name);
    if (error.code == ErrorCode::Unknown)
        error.unknownName = name.isEmpty() ? u"unknown"_s : name;
    error.message = json.value(u"message"_s).toString();
    error.field = json.value(u"field"_s).toString();
    return error;
}

QString WireError::describe() const
{
    return message.isEmpty() ? codeName() : codeName() + u": "_s + message;
}

} // namespace crm
