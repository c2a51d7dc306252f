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

QHttpServerResponse replyResponse(const TaskRunner::Reply& reply, const Identity& who,
                                  Status success = Status::Ok)
{
    if (reply.task)
        return QHttpServerResponse(reply.task->toJsonFor(who), success);
    const QString& code = reply.code;
    const Status status =
        code == QStringLiteral("not_found")   ? Status::NotFound
        : code == QStringLiteral("forbidden") ? Status::Forbidden
        : code == QStringLiteral("too_large") ? Status::PayloadTooLarge
        : code == QStringLiteral("storage")   ? Status::ServiceUnavailable
        : code == QStringLiteral("not_running") || code == QStringLiteral("not_retryable")
            ? Status::Conflict
            : Status::UnprocessableEntity;
    return errorResponse(status, code, reply.message);
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
    QJsonArray tasks;
    for (const auto& task : m_s.tasks.visibleTo(*who))
        tasks.append(task.toJsonFor(*who));
    return QJsonObject{{QStringLiteral("tasks"), tasks}};
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
    const QJsonValue params = body->value(QStringLiteral("params"));
    const QJsonValue input = body->value(QStringLiteral("input"));
    if (!body->value(QStringLiteral("kind")).isString() ||
        (!params.isUndefined() && !params.isObject()) ||
        (!input.isUndefined() && !input.isString()))
        return errorResponse(Status::BadRequest, QStringLiteral("bad_request"),
                             QStringLiteral("Send {\"kind\", \"title\"?, \"params\"?, "
                                            "\"input\"?, \"shared\"?}"));
    TaskRunner::Request start;
    start.kind = body->value(QStringLiteral("kind")).toString();
    start.title = body->value(QStringLiteral("title")).toString();
    start.params = params.toObject();
    start.input = input.toString();
    start.shared = body->value(QStringLiteral("shared")).toBool();
    return replyResponse(m_s.tasks.start(*who, start, QString()), *who, Status::Created);
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
