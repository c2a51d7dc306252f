#pragma once

#include "server/storage/identity.h"

#include <optional>
#include <QHttpServerResponse>
#include <QJsonObject>

class QHttpServerRequest;

namespace crm {

class TokenService;
class UserDirectory;

// What every REST route shares: the error body shape, JSON bodies with a size limit, and
// bearer-token authentication against the current user directory.
namespace rest {

using Status = QHttpServerResponder::StatusCode;

// {"error": {"code", "message", "details"?}}
QHttpServerResponse errorResponse(Status status, const QString& code, const QString& message,
                                  const QJsonObject& details = {});
QHttpServerResponse methodNotAllowed();

// Largest request body accepted by default (bytes); larger ones get 413.
constexpr qsizetype kMaxBody = 1 << 20;

std::optional<QJsonObject> jsonBody(const QHttpServerRequest& request,
                                    std::optional<QHttpServerResponse>& failure,
                                    qsizetype maxBytes = kMaxBody);

// The caller's current identity (team and role from the directory, the acting agent and the
// session from the token), or a 401 in `failure` (also for a disabled user or an ended session).
std::optional<Identity> authenticate(const QHttpServerRequest& request, TokenService& tokens,
                                     UserDirectory& users,
                                     std::optional<QHttpServerResponse>& failure);

} // namespace rest
} // namespace crm
