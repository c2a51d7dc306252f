#pragma once

#include <QString>

namespace crm {

// Reads one line from standard input. On a terminal it asks with `prompt` on stderr and does not
// echo what is typed; from a pipe (scripts, tests) it reads silently.
QString readPassword(const QString& prompt);

} // namespace crm
