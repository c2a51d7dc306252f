#include "app/conflictdecision.h"

namespace crm {

bool applyConflictDecision(ConflictResolver& resolver, qint64 conflictId,
                           ConflictDialog::Decision decision, const QJsonObject& mergedValues)
{
    using Decision = ConflictDialog::Decision;
    switch (decision) {
    case Decision::KeepMine:
        return resolver.keepMine(conflictId).has_value();
    case Decision::TakeTheirs:
    case Decision::Discard:
        return resolver.takeTheirs(conflictId);
    case Decision::Merge:
        // Every field left to theirs is the same as taking theirs.
        return mergedValues.isEmpty() ? resolver.takeTheirs(conflictId)
                                      : resolver.merge(conflictId, mergedValues).has_value();
    case Decision::Restore:
        return resolver.restoreWithMine(conflictId).has_value();
    case Decision::DeleteAnyway:
        return resolver.deleteAnyway(conflictId).has_value();
    case Decision::None:
        break;
    }
    return false;
}

} // namespace crm
