#pragma once

#include "models/conflictresolver.h"
#include "ui/conflictdialog.h"

namespace crm {

// What the conflict dialog collected, carried out by the resolver (the dialog never acts).
// Returns false when the resolver could not (the conflict was already gone, storage trouble).
bool applyConflictDecision(ConflictResolver& resolver, qint64 conflictId,
                           ConflictDialog::Decision decision, const QJsonObject& mergedValues);

} // namespace crm
