#pragma once

#include "app/clioptions.h"

#include <QStringList>

namespace crm {

// crm-cli watch: the profile's live event stream as JSON lines (the local copy is kept current
// too) until SIGINT or SIGTERM. Long runs keep their token fresh.
int runWatch(const CliOptions& options, const QString& tokenOverride);

// crm-cli raw --url URL [--auth JSON] [--emit EVENT [JSON]]: a plain Socket.IO v4 probe that
// works against any server; prints what happens as JSON lines. Exit 0 connected (and acked),
// 2 the server refused the CONNECT, 3 unreachable or no answer in time.
int runRaw(const QStringList& args, const CliOptions& options);

} // namespace crm
