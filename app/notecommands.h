#pragma once

#include "app/clioptions.h"

#include <QStringList>

namespace crm {

// crm-cli note get|append|edit MODULE ID [TEXT]: a record's shared notes for scripts and AI
// agents, over REST (docs/protocol.md 6). append and edit load the note's whole state, make
// their change as CRDT edits on it and send that one update, so whatever colleagues type
// meanwhile is kept.
int runNoteCommand(const QStringList& args, const CliOptions& options);

} // namespace crm
