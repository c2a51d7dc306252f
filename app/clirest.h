#pragma once

#include "app/clioptions.h"
#include "realtime/restclient.h"

#include <QJsonObject>

namespace crm {

// Points `rest` at the server with the command's access token and a timeout of at least
// `minimumTimeoutSec` (or --timeout when longer); 0, or the exit status when there is no token.
int signInRest(const CliOptions& options, RestClient& rest, int minimumTimeoutSec = 0);
// crm-cli's REST: one call, waited for in a local event loop.
RestReply callRest(RestClient& rest, const QByteArray& verb, const QString& path,
                   const QJsonObject& body = {});
// Says why a call failed (on stderr) and gives crm-cli's exit status for it: 2 credentials
// refused, 3 unreachable or timed out, 6 the server refused.
int restFailure(const RestReply& reply);

} // namespace crm
