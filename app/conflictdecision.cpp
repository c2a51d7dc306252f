#include "app/conflictdecision.h"

#include <QCoreApplication>

namespace crm {

CommandResult applyConflictDecision(ClientCore& core, qint64 conflictId,
                                    ConflictDialog::Decision decision,
                                    const QJsonObject& mergedValues)
{
    using Decision = ConflictDialog::Decision;
    using Resolution = ClientCore::Resolution;
    switch (decision) {
    case Decision::KeepMine:
        return core.resolve(conflictId, Resolution::KeepMine);
    case Decision::TakeTheirs:
    case Decision::Discard:
        return core.resolve(conflictId, Resolution::TakeTheirs);
    case Decision::Merge:
        return core.resolve(conflictId, Resolution::Merge, mergedValues);
    case Decision::Restore:
        return core.resolve(conflictId, Resolution::Restore);
    case Decision::DeleteAnyway:
        return core.resolve(conflictId, Resolution::DeleteAnyway);
    case Decision::None:
        break;
    }
    return CommandResult::refused(CommandResult::Refusal::NothingChanged,
                                  QCoreApplication::translate("crm", "Nothing was chosen."));
}

} // namespace crm
