#include "server/api/resthelpers.h"

#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"

#include <QHttpServerRequest>
#include <QJsonDocument>

namespace crm::rest {

QHttpServerResponse errorResponse(Status status, const QString& code, const QString& message,
                                  const QJsonObject& details)
{
    QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!details.isEmpty())
        error.insert(QStringLiteral("details"), details);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), error}}, status);
}

QHttpServerResponse methodNotAllowed()
{
    return errorResponse(Status::MethodNotAllowed, QStringLiteral("method_not_allowed"),
                         QStringLiteral("This method is not supported here"));
}

std::optional<QJsonObject> jsonBody(const QHttpServerRequest& request,
                                    std::optional<QHttpServerResponse>& failure, qsizetype maxBytes)
{
    if (request.body().size() > maxBytes) {
        failure =
            errorResponse(Status::PayloadTooLarge, QStringLiteral("too_large"),
                          QStringLiteral("Request bodies are limited to %1 bytes").arg(maxBytes));
        return std::nullopt;
    }
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(request.body(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        failure = errorResponse(Status::BadRequest, QStringLiteral("bad_json"),
                                QStringLiteral("The body must be a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

std::optional<Identity> authenticate(const QHttpServerRequest& request, TokenService& tokens,
                                     UserDirectory& users,
                                     std::optional<QHttpServerResponse>& failure)
{
    const QByteArray header = request.value(QByteArrayLiteral("authorization"));
    if (!header.startsWith("Bearer ")) {
        failure = errorResponse(Status::Unauthorized, QStringLiteral("auth_missing"),
                                QStringLiteral("Send Authorization: Bearer <access token>"));
        return std::nullopt;
    }
    Identity identity;
    const auto verdict =
        tokens.verify(QString::fromLatin1(header.mid(7).trimmed()), &identity, nullptr);
    if (verdict == TokenService::Verdict::Expired) {
        failure = errorResponse(Status::Unauthorized, QStringLiteral("auth_expired"),
                                QStringLiteral("The access token expired; refresh it"));
        return std::nullopt;
    }
    const auto user =
        verdict == TokenService::Verdict::Valid ? users.findById(identity.userId) : std::nullopt;
    // A disabled user's or a signed-out session's token stops working at once, not when it
    // expires: both are indexed reads of the current state.
    if (!user || user->disabled || !tokens.isSessionLive(identity.sessionId)) {
        failure = errorResponse(Status::Unauthorized, QStringLiteral("auth_invalid"),
                                QStringLiteral("The access token is not valid (signed out, or "
                                               "the account is disabled)"));
        return std::nullopt;
    }
    Identity current = user->identity;
    current.agentName = identity.agentName;
    current.sessionId = identity.sessionId;
    return current;
}

} // namespace crm::rest
