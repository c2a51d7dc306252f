#pragma once

#include "app/clioptions.h"

#include <QStringList>

namespace crm {

// crm-cli task ...: start, list, show, wait, cancel, retry, report and output of server tasks
// (docs/protocol.md 5.6), over REST so shell-scripted agents need no socket.
//   task start KIND [--module M] [--file CSV] [--title T] [--merge] [--shared] [--wait]
//   task list | show ID | wait ID | cancel ID | retry ID | output ID [--report]
//   task report ID [--progress N] [--step TEXT] [--done N] [--total N]
//                  [--status completed|failed|cancelled] [--error TEXT] [--result JSON]
// Exit status: 0 ok (wait: completed), 1 usage, 2 credentials, 3 unreachable, 4 the task failed
// or was cancelled, 6 the server refused the request.
int runTaskCommand(const QStringList& args, const CliOptions& options);

} // namespace crm
