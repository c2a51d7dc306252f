#include "protocol/recordpayload.h"

#include <QJsonArray>

namespace crm {

using namespace Qt::StringLiterals;

QJsonObject RecordPayload::toJson() const
{
    QJsonObject values = fields;
    for (const auto& name : masked)
        values.insert(name, QJsonValue::Null);
    QJsonObject json{{u"module"_s, module},       {u"id"_s, id},
                     {u"teamId"_s, teamId},       {u"ownerId"_s, ownerId},
                     {u"version"_s, version},     {u"fields"_s, values},
                     {u"createdAt"_s, createdAt}, {u"createdBy"_s, createdBy},
                     {u"updatedAt"_s, updatedAt}, {u"updatedBy"_s, updatedBy}};
    if (!masked.isEmpty())
        json.insert(u"masked"_s, QJsonArray::fromStringList(masked));
    if (deleted)
        json.insert(u"deleted"_s, true);
    return json;
}

Parsed<RecordPayload> RecordPayload::fromJson(const QJsonObject& json)
{
    RecordPayload record;
    record.module = json.value(u"module"_s).toString();
    record.id = json.value(u"id"_s).toString();
    if (record.module.isEmpty())
        return badMember(u"module"_s, u"a module name is required"_s);
    if (record.id.isEmpty())
        return badMember(u"id"_s, u"a record id is required"_s);
    const auto version = wholeNumber(json.value(u"version"_s), 1);
    if (!version)
        return badMember(u"version"_s, u"must be a whole number from 1"_s);
    record.version = *version;
    const QJsonValue fields = json.value(u"fields"_s);
    if (!fields.isUndefined() && !fields.isObject())
        return badMember(u"fields"_s, u"must be an object"_s);
    record.fields = fields.toObject();
    const QJsonValue masked = json.value(u"masked"_s);
    if (!masked.isUndefined() && !masked.isArray())
        return badMember(u"masked"_s, u"must be a list of field names"_s);
    for (const auto& name : masked.toArray()) {
        if (!name.isString())
            return badMember(u"masked"_s, u"must be a list of field names"_s);
        record.masked.append(name.toString());
        record.fields.remove(name.toString());
    }
    record.teamId = json.value(u"teamId"_s).toString();
    record.ownerId = json.value(u"ownerId"_s).toString();
    record.deleted = json.value(u"deleted"_s).toBool();
    record.createdAt = json.value(u"createdAt"_s).toString();
    record.createdBy = json.value(u"createdBy"_s).toString();
    record.updatedAt = json.value(u"updatedAt"_s).toString();
    record.updatedBy = json.value(u"updatedBy"_s).toString();
    return record;
}

} // namespace crm
