#include "server/storage/storedrecord.h"

#include "protocol/recordpayload.h"
#include "protocol/recordschema.h"

namespace crm {

QJsonObject StoredRecord::toJson(const Identity& viewer, const ModuleSpec& spec) const
{
    RecordPayload payload{module, id,      data,      version,   teamId,    ownerId,
                          {},     deleted, createdAt, createdBy, updatedAt, updatedBy};
    if (!viewer.seesSensitiveOf(ownerId)) {
        for (const auto& name : spec.sensitiveFields()) {
            if (payload.fields.contains(name)) {
                payload.fields.remove(name);
                payload.masked.append(name);
            }
        }
    }
    return payload.toJson();
}

} // namespace crm
