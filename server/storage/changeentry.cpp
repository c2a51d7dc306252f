#include "server/storage/changeentry.h"

#include "protocol/memberreader.h"
#include "protocol/recordschema.h"

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
    // Every member is written by toJson: one missing means another build or a damaged message.
    for (const char* member :
         {"brokerageId", "seq", "module", "recordId", "teamId", "ownerId", "kind", "fields",
          "version", "userId", "userName", "agent", "clientId", "mutationId", "at"}) {
        if (!json.contains(QLatin1String(member)))
            return std::nullopt;
    }
    ChangeEntry e;
    MemberReader read(json);
    read.text("brokerageId", e.brokerageId);
    read.number("seq", e.seq, 1, kMaxExactJsonInteger);
    read.text("module", e.module);
    read.text("recordId", e.recordId);
    read.text("teamId", e.teamId);
    read.text("ownerId", e.ownerId);
    read.text("kind", e.kind);
    read.object("fields", e.fields);
    read.number("version", e.version, 0, kMaxExactJsonInteger);
    read.text("userId", e.userId);
    read.text("userName", e.userName);
    read.text("agent", e.agent);
    read.text("clientId", e.clientId);
    read.number("mutationId", e.mutationId, -1, kMaxExactJsonInteger);
    read.text("at", e.at);
    if (read.error() || e.seq < 1)
        return std::nullopt;
    return e;
}

} // namespace crm
