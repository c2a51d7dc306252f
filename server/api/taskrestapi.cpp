#include "server/api/taskrestapi.h"

#include "server/api/resthelpers.h"
#include "server/api/taskeventstream.h"
#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"
#include "server/tasks/taskrunner.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>

namespace crm {

namespace {

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;
using rest::errorResponse;

QHttpServerResponse refusalResponse(ErrorCode code, const QString& message);

// A body this API cannot read at all: 400, naming the member at fault.
QHttpServerResponse malformed(const WireError& error)
{
    return errorResponse(Status::BadRequest, error.codeName(), error.message);
}

QHttpServerResponse replyResponse(const TaskRunner::Reply& reply, const Identity& who,
                                  Status success = Status::Ok)
{
    if (reply.task)
        return QHttpServerResponse(reply.task->toJsonFor(who), success);
    return refusalResponse(reply.code, reply.message);
}

QHttpServerResponse refusalResponse(ErrorCode code, const QString& message)
{
    Status status = Status::UnprocessableEntity;
    switch (code) {
    case ErrorCode::NotFound:
        status = Status::NotFound;
        break;
    case ErrorCode::Forbidden:
        status = Status::Forbidden;
        break;
    case ErrorCode::TooLarge:
        status = Status::PayloadTooLarge;
        break;
    case ErrorCode::Storage:
        status = Status::ServiceUnavailable;
        break;
    case ErrorCode::NotRunning:
    case ErrorCode::NotRetryable:
        status = Status::Conflict;
        break;
    default:
        break;
    }
    return errorResponse(status, errorCodeName(code), message);
}

} // namespace

TaskRestApi::TaskRestApi(QHttpServer& http, Services services) : m_s(services)
{
    http.route(QStringLiteral("/api/tasks"), [this](const QHttpServerRequest& request) {
        if (request.method() == Method::Get)
            return list(request);
        if (request.method() == Method::Post)
            return start(request);
        return rest::methodNotAllowed();
    });
    http.route(QStringLiteral("/api/tasks/<arg>"), [this](const QString& id,
                                                          const QHttpServerRequest& request) {
        return request.method() == Method::Get ? get(id, request) : rest::methodNotAllowed();
    });
    // Before the general route: this one answers by streaming, not with one response.
    http.route(
        QStringLiteral("/api/tasks/<arg>/events"),
        [this](const QString& id, const QHttpServerRequest& request,
               QHttpServerResponder&& responder) { events(id, request, std::move(responder)); });
    http.route(QStringLiteral("/api/tasks/<arg>/<arg>"),
               [this](const QString& id, const QString& verb, const QHttpServerRequest& request) {
                   return action(id, verb, request);
               });
    http.route(QStringLiteral("/api/agent/session"), [this](const QHttpServerRequest& request) {
        return request.method() == Method::Post ? agentSession(request) : rest::methodNotAllowed();
    });
}

QHttpServerResponse TaskRestApi::list(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    TaskList list;
    for (const auto& task : m_s.tasks.visibleTo(*who))
        list.tasks.append(task.viewFor(*who));
    return list.toJson();
}

QHttpServerResponse TaskRestApi::start(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    // An import carries its whole file: this body may be larger than the usual limit.
    const auto body = rest::jsonBody(request, failure, 33 * 1024 * 1024);
    if (!body)
        return std::move(*failure);
    const auto start = TaskStart::fromJson(*body);
    if (!start.ok())
        return malformed(start.error());
    return replyResponse(m_s.tasks.start(*who, start.value(), QString()), *who, Status::Created);
}

void TaskRestApi::events(const QString& id, const QHttpServerRequest& request,
                         QHttpServerResponder&& responder)
{
    if (request.method() != Method::Get)
        return rest::methodNotAllowed().write(std::move(responder));
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return failure->write(std::move(responder));
    // The same rule as the socket's ai:task events: nobody outside the task's readers hears it.
    const TaskRunner::Reply found = m_s.tasks.find(*who, id);
    if (!found.task)
        return replyResponse(found, *who).write(std::move(responder));
    TaskEventStream::start(std::move(responder), m_s.tasks, *who, *found.task,
                           QString::fromUtf8(request.value(QByteArrayLiteral("Last-Event-ID"))));
}

QHttpServerResponse TaskRestApi::get(const QString& id, const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    return replyResponse(m_s.tasks.find(*who, id), *who);
}

QHttpServerResponse TaskRestApi::action(const QString& id, const QString& verb,
                                        const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    // GET .../output and .../report download files; POST .../report is an agent's report.
    if (request.method() == Method::Get &&
        (verb == QStringLiteral("output") || verb == QStringLiteral("report"))) {
        // Files hold what the owner may see (rows, ids, commissions): sharing a task shares
        // its progress, not them.
        const auto task = m_s.tasks.find(*who, id).task;
        if (task && !task->showsAllTo(*who))
            return errorResponse(Status::Forbidden, QStringLiteral("forbidden"),
                                 QStringLiteral("Only the task's owner (or a broker admin) can "
                                                "download its files"));
        const auto content = task ? m_s.tasks.file(*who, id, verb) : std::nullopt;
        if (!content)
            return errorResponse(Status::NotFound, QStringLiteral("not_found"),
                                 QStringLiteral("This task has no %1 file (yet)").arg(verb));
        QHttpServerResponse response(QByteArrayLiteral("text/csv; charset=utf-8"),
                                     content->toUtf8());
        response.addHeader(QByteArrayLiteral("Content-Disposition"),
                           QStringLiteral("attachment; filename=\"task-%1-%2.csv\"")
                               .arg(id.left(8), verb)
                               .toUtf8());
        return response;
    }
    if (request.method() != Method::Post)
        return rest::methodNotAllowed();
    if (verb == QStringLiteral("cancel"))
        return replyResponse(m_s.tasks.cancel(*who, id), *who);
    if (verb == QStringLiteral("retry"))
        return replyResponse(m_s.tasks.retry(*who, id), *who);
    if (verb == QStringLiteral("report")) {
        const auto body = rest::jsonBody(request, failure);
        if (!body)
            return std::move(*failure);
        return replyResponse(m_s.tasks.report(*who, id, *body), *who);
    }
    return errorResponse(Status::NotFound, QStringLiteral("not_found"),
                         QStringLiteral("Tasks have cancel, retry, report, output"));
}

QHttpServerResponse TaskRestApi::agentSession(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto body = rest::jsonBody(request, failure);
    if (!body)
        return std::move(*failure);
    const auto identity =
        m_s.tokens.exchangeAgentKey(body->value(QStringLiteral("key")).toString(), m_s.users);
    if (!identity)
        return errorResponse(Status::Unauthorized, QStringLiteral("auth_invalid"),
                             QStringLiteral("Unknown or revoked agent key"));
    const auto tokens = m_s.tokens.issueAccessOnly(*identity);
    return QJsonObject{{QStringLiteral("accessToken"), tokens.accessToken},
                       {QStringLiteral("expiresAt"), tokens.accessExpiresAt},
                       {QStringLiteral("user"), identity->toJson()}};
}

} // namespace crm
