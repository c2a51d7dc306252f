#include "core/outboxentry.h"

namespace crm {

Mutation OutboxEntry::toMutation() const
{
    Mutation mutation;
    mutation.module = module;
    mutation.op = op;
    mutation.recordId = recordId;
    mutation.mutationId = mutationId;
    mutation.baseVersion = baseVersion;
    mutation.fields = fields;
    return mutation;
}

} // namespace crm
