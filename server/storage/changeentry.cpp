#include "server/storage/changeentry.h"

#include "protocol/recordschema.h"

#include <QStringList>

namespace crm {

QString ChangeEntry::eventName(const ModuleSpec& spec) const
{
    return ChangeEvent::eventName(spec.singular,
                                  changeKindFromName(kind).value_or(ChangeKind::Updated));
}

ChangeEvent ChangeEntry::toEvent(const Identity& viewer, const ModuleSpec& spec) const
{
    const bool seesSensitive = viewer.seesSensitiveOf(ownerId);
    ChangeEvent event;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const FieldSpec* field = spec.field(it.key());
        if (field && field->sensitive && !seesSensitive) {
            event.masked.append(it.key());
            continue;
        }
        event.fields.insert(it.key(), it.value().toObject().value(QStringLiteral("new")));
    }
    event.module = module;
    event.id = recordId;
    event.kind = changeKindFromName(kind).value_or(ChangeKind::Updated);
    event.version = version;
    event.seq = seq;
    event.teamId = teamId;
    event.ownerId = ownerId;
    event.by = Actor{userId, userName, agent};
    event.at = at;
    event.clientId = clientId;
    event.mutationId = clientId.isEmpty() ? -1 : mutationId;
    return event;
}

QJsonObject ChangeEntry::toJson() const
{
    return {{QStringLiteral("brokerageId"), brokerageId},
            {QStringLiteral("seq"), seq},
            {QStringLiteral("module"), module},
            {QStringLiteral("recordId"), recordId},
            {QStringLiteral("teamId"), teamId},
            {QStringLiteral("ownerId"), ownerId},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("fields"), fields},
            {QStringLiteral("version"), version},
            {QStringLiteral("userId"), userId},
            {QStringLiteral("userName"), userName},
            {QStringLiteral("agent"), agent},
            {QStringLiteral("clientId"), clientId},
            {QStringLiteral("mutationId"), mutationId},
            {QStringLiteral("at"), at}};
}

std::optional<ChangeEntry> ChangeEntry::fromJson(const QJsonObject& json)
{
    const QStringList texts{
        QStringLiteral("brokerageId"), QStringLiteral("module"),   QStringLiteral("recordId"),
        QStringLiteral("teamId"),      QStringLiteral("ownerId"),  QStringLiteral("kind"),
        QStringLiteral("userId"),      QStringLiteral("userName"), QStringLiteral("agent"),
        QStringLiteral("clientId"),    QStringLiteral("at")};
    for (const auto& name : texts) {
        if (!json.value(name).isString())
            return std::nullopt;
    }
    for (const auto* name : {"seq", "version", "mutationId"}) {
        if (!json.value(QLatin1String(name)).isDouble())
            return std::nullopt;
    }
    if (!json.value(QStringLiteral("fields")).isObject())
        return std::nullopt;
    ChangeEntry e;
    e.brokerageId = json.value(QStringLiteral("brokerageId")).toString();
    e.seq = json.value(QStringLiteral("seq")).toInteger();
    e.module = json.value(QStringLiteral("module")).toString();
    e.recordId = json.value(QStringLiteral("recordId")).toString();
    e.teamId = json.value(QStringLiteral("teamId")).toString();
    e.ownerId = json.value(QStringLiteral("ownerId")).toString();
    e.kind = json.value(QStringLiteral("kind")).toString();
    e.fields = json.value(QStringLiteral("fields")).toObject();
    e.version = json.value(QStringLiteral("version")).toInteger();
    e.userId = json.value(QStringLiteral("userId")).toString();
    e.userName = json.value(QStringLiteral("userName")).toString();
    e.agent = json.value(QStringLiteral("agent")).toString();
    e.clientId = json.value(QStringLiteral("clientId")).toString();
    e.mutationId = json.value(QStringLiteral("mutationId")).toInteger();
    e.at = json.value(QStringLiteral("at")).toString();
    if (e.seq < 1)
        return std::nullopt;
    return e;
}

} // namespace crm
