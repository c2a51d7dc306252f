#include "server/api/noterestapi.h"

#include "protocol/errorcode.h"
#include "protocol/notemessages.h"
#include "server/api/resthelpers.h"
#include "server/sync/notehub.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonObject>
#include <QUrlQuery>

namespace crm {

namespace {

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;

// An answer of the note hub as HTTP: ok as 200 with the body, a refusal with its status.
QHttpServerResponse asResponse(const QJsonObject& answer)
{
    if (answer.value(QStringLiteral("status")) == QStringLiteral("ok"))
        return QHttpServerResponse(answer);
    const QJsonObject error = answer.value(QStringLiteral("error")).toObject();
    const QString code = error.value(QStringLiteral("code")).toString();
    const ErrorCode known = errorCodeFromName(code);
    const Status status = known == ErrorCode::NotFound || known == ErrorCode::NoNotes
                              ? Status::NotFound
                          : known == ErrorCode::MissingHistory ? Status::Conflict
                          : known == ErrorCode::Storage        ? Status::ServiceUnavailable
                                                               : Status::UnprocessableEntity;
    QJsonObject details;
    if (answer.contains(QStringLiteral("stateVector")))
        details.insert(QStringLiteral("stateVector"), answer.value(QStringLiteral("stateVector")));
    return rest::errorResponse(status, code, error.value(QStringLiteral("message")).toString(),
                               details);
}

} // namespace

NoteRestApi::NoteRestApi(QHttpServer& http, Services services) : m_s(services)
{
    http.route(QStringLiteral("/api/notes/<arg>/<arg>"),
               [this](const QString& module, const QString& id, const QHttpServerRequest& request) {
                   if (request.method() == Method::Get)
                       return get(module, id, request);
                   if (request.method() == Method::Post)
                       return post(module, id, request);
                   return rest::methodNotAllowed();
               });
}

QHttpServerResponse NoteRestApi::get(const QString& module, const QString& id,
                                     const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    const QJsonObject answer = m_s.notes.stateFor(*who, {module, id});
    if (answer.value(QStringLiteral("status")) == QStringLiteral("ok") &&
        QUrlQuery(request.url()).queryItemValue(QStringLiteral("format")) == u"text")
        return QHttpServerResponse("text/plain; charset=utf-8",
                                   answer.value(QStringLiteral("text")).toString().toUtf8());
    return asResponse(answer);
}

QHttpServerResponse NoteRestApi::post(const QString& module, const QString& id,
                                      const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    auto body = rest::jsonBody(request, failure, NoteUpdate::kMaxBytes * 4 / 3 + 1024);
    if (!body)
        return std::move(*failure);
    body->insert(QStringLiteral("module"), module);
    body->insert(QStringLiteral("id"), id);
    const auto update = NoteUpdate::fromJson(*body);
    if (!update.ok())
        return rest::errorResponse(Status::UnprocessableEntity, update.error().codeName(),
                                   update.error().message);
    return asResponse(m_s.notes.applyFromRest(*who, update.value().note, update.value().update));
}

} // namespace crm
