#include "server/storage/changeentry.h"

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

} // namespace crm
