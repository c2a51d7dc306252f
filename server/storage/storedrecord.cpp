#include "server/storage/storedrecord.h"

#include "models/schema/recordschema.h"

#include <QJsonArray>

namespace crm {

QJsonObject StoredRecord::toJson(const Identity& viewer, const ModuleSpec& spec) const
{
    QJsonObject fields = data;
    QJsonArray masked;
    if (!viewer.seesSensitiveOf(ownerId)) {
        for (const auto& name : spec.sensitiveFields()) {
            if (fields.contains(name)) {
                fields.insert(name, QJsonValue::Null);
                masked.append(name);
            }
        }
    }
    QJsonObject json{
        {QStringLiteral("module"), module},       {QStringLiteral("id"), id},
        {QStringLiteral("teamId"), teamId},       {QStringLiteral("ownerId"), ownerId},
        {QStringLiteral("version"), version},     {QStringLiteral("fields"), fields},
        {QStringLiteral("createdAt"), createdAt}, {QStringLiteral("createdBy"), createdBy},
        {QStringLiteral("updatedAt"), updatedAt}, {QStringLiteral("updatedBy"), updatedBy}};
    if (!masked.isEmpty())
        json.insert(QStringLiteral("masked"), masked);
    if (deleted)
        json.insert(QStringLiteral("deleted"), true);
    return json;
}

} // namespace crm
