#include "server/storage/changeentry.h"

#include "models/schema/recordschema.h"

#include <QJsonArray>

namespace crm {

QString ChangeEntry::eventName(const ModuleSpec& spec) const
{
    return spec.singular + u':' + kind;
}

QJsonObject ChangeEntry::toEvent(const Identity& viewer, const ModuleSpec& spec) const
{
    const bool seesSensitive = viewer.seesSensitiveOf(ownerId);
    QJsonObject values;
    QJsonArray masked;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const FieldSpec* field = spec.field(it.key());
        if (field && field->sensitive && !seesSensitive) {
            masked.append(it.key());
            continue;
        }
        values.insert(it.key(), it.value().toObject().value(QStringLiteral("new")));
    }
    QJsonObject by{{QStringLiteral("id"), userId}, {QStringLiteral("name"), userName}};
    if (!agent.isEmpty())
        by.insert(QStringLiteral("agent"), agent);
    QJsonObject event{{QStringLiteral("module"), module},   {QStringLiteral("id"), recordId},
                      {QStringLiteral("kind"), kind},       {QStringLiteral("fields"), values},
                      {QStringLiteral("version"), version}, {QStringLiteral("seq"), seq},
                      {QStringLiteral("teamId"), teamId},   {QStringLiteral("ownerId"), ownerId},
                      {QStringLiteral("by"), by},           {QStringLiteral("at"), at}};
    if (!masked.isEmpty())
        event.insert(QStringLiteral("masked"), masked);
    if (!clientId.isEmpty()) {
        event.insert(QStringLiteral("clientId"), clientId);
        event.insert(QStringLiteral("mutationId"), mutationId);
    }
    return event;
}

} // namespace crm
