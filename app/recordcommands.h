#pragma once

#include "app/clioptions.h"

#include <QStringList>

namespace crm {

// crm-cli's record commands over a profile's local store: list, get, create, set, delete, sync,
// pending, conflicts, resolve, retry, discard, dump. Edits land in the outbox first (exit 0 once
// durable), then are sent unless --offline.
// Exit status: 0 ok / all clear, 1 usage, 2 credentials refused, 3 unreachable,
// 4 conflicts or failures remain, 5 local storage error.
int runRecordCommand(const QStringList& args, const CliOptions& options);

} // namespace crm
