#pragma once

#include "core/clientcore.h"
#include "ui/conflictdialog.h"

namespace crm {

// What the conflict dialog collected, carried out by the client core (the dialog never acts):
// its refusal says why when the conflict was already gone or the copy could not store it.
CommandResult applyConflictDecision(ClientCore& core, qint64 conflictId,
                                    ConflictDialog::Decision decision,
                                    const QJsonObject& mergedValues);

} // namespace crm
