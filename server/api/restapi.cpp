#include "server/api/restapi.h"

#include "common/buildinfo.h"
#include "protocol/recordschema.h"
#include "server/api/resthelpers.h"
#include "server/cluster/clusterbus.h"
#include "server/http/clientaddress.h"
#include "server/socketio/socketioserver.h"
#include "server/storage/changelog.h"
#include "server/storage/database.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/storage/storagelogging.h"
#include "server/storage/tokenservice.h"
#include "server/storage/userdirectory.h"
#include "server/storage/userpicturestore.h"
#include "server/sync/servermetrics.h"
#include "server/sync/synchub.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QUuid>

namespace crm {

namespace {

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;
using rest::errorResponse;
using rest::methodNotAllowed;

QJsonObject tokensJson(const TokenService::Tokens& tokens, const Identity& identity)
{
    return {{QStringLiteral("accessToken"), tokens.accessToken},
            {QStringLiteral("refreshToken"), tokens.refreshToken},
            {QStringLiteral("expiresAt"), tokens.accessExpiresAt},
            {QStringLiteral("user"), identity.toJson()}};
}

// Maps a mutation result onto HTTP, keeping the result itself as the body.
QHttpServerResponse mutationResponse(const QJsonObject& result, bool creating)
{
    const QString status = result.value(QStringLiteral("status")).toString();
    const QString code =
        result.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    Status http = Status::Ok;
    if (status == QStringLiteral("applied"))
        http = creating ? Status::Created : Status::Ok;
    else if (status == QStringLiteral("conflict"))
        http = Status::Conflict;
    else if (status == QStringLiteral("error"))
        http = Status::ServiceUnavailable;
    else if (status == QStringLiteral("rejected"))
        http = code == QStringLiteral("not_found") ? Status::NotFound
               : code == QStringLiteral("forbidden_field") ||
                       code == QStringLiteral("client_id_in_use")
                   ? Status::Forbidden
                   : Status::UnprocessableEntity;
    QHttpServerResponse response(result, http);
    if (result.contains(QStringLiteral("version")))
        response.addHeader(
            QByteArrayLiteral("ETag"),
            '"' + QByteArray::number(result.value(QStringLiteral("version")).toInteger()) + '"');
    return response;
}

} // namespace

RestApi::RestApi(QHttpServer& http, Services services) : m_s(services)
{
    registerRoutes(http);
}

void RestApi::registerRoutes(QHttpServer& http)
{
    // QtHttpServer answers a method it has no route for with 404; routes take any method and
    // say 405 themselves, which is what a client needs to hear.
    http.route(QStringLiteral("/api/health"),
               [this](const QHttpServerRequest&) { return health(); });
    http.route(QStringLiteral("/api/ready"), [this](const QHttpServerRequest&) { return ready(); });
    // Prometheus text format; scrape it from the machine itself or a trusted network.
    http.route(QStringLiteral("/metrics"), [this](const QHttpServerRequest& request) {
        if (!m_metricsToken.isEmpty() &&
            request.value(QByteArrayLiteral("Authorization")) != "Bearer " + m_metricsToken)
            return errorResponse(Status::Unauthorized, QStringLiteral("unauthorized"),
                                 QStringLiteral("/metrics wants the bearer token of "
                                                "metrics-token-file"));
        ServerMetrics::Snapshot snapshot;
        snapshot.connections = m_s.endpoint.connectedCount();
        if (m_metricsSnapshot)
            snapshot = m_metricsSnapshot();
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                                   m_s.metrics.render(snapshot).toUtf8());
    });
    // Answered later, from the password check's thread pool: the event loop goes on meanwhile.
    http.route(QStringLiteral("/api/login"),
               [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
                   if (request.method() != Method::Post)
                       return methodNotAllowed().write(std::move(responder));
                   login(request, std::move(responder));
               });
    http.route(QStringLiteral("/api/token/refresh"), [this](const QHttpServerRequest& request) {
        return request.method() == Method::Post ? refresh(request) : methodNotAllowed();
    });
    http.route(QStringLiteral("/api/logout"), [this](const QHttpServerRequest& request) {
        return request.method() == Method::Post ? logout(request) : methodNotAllowed();
    });
    http.route(QStringLiteral("/api/me"), [this](const QHttpServerRequest& request) {
        return request.method() == Method::Get ? me(request) : methodNotAllowed();
    });
    http.route(QStringLiteral("/api/users"), [this](const QHttpServerRequest& request) {
        return request.method() == Method::Get ? users(request) : methodNotAllowed();
    });
    http.route(QStringLiteral("/api/users/<arg>"), [this](const QString& id,
                                                          const QHttpServerRequest& request) {
        return request.method() == Method::Patch ? updateUser(id, request) : methodNotAllowed();
    });
    http.route(QStringLiteral("/api/changes"), [this](const QHttpServerRequest& request) {
        return request.method() == Method::Get ? changes(request) : methodNotAllowed();
    });
    http.route(QStringLiteral("/api/records/<arg>"),
               [this](const QString& module, const QHttpServerRequest& request) {
                   if (request.method() == Method::Get)
                       return listRecords(module, request);
                   if (request.method() == Method::Post)
                       return mutate(module, QString(), request);
                   return methodNotAllowed();
               });
    http.route(QStringLiteral("/api/records/<arg>/<arg>"),
               [this](const QString& module, const QString& id, const QHttpServerRequest& request) {
                   if (request.method() == Method::Get)
                       return getRecord(module, id, request);
                   if (request.method() == Method::Patch || request.method() == Method::Delete)
                       return mutate(module, id, request);
                   return methodNotAllowed();
               });
}

std::optional<Identity> RestApi::authenticate(const QHttpServerRequest& request,
                                              std::optional<Response>& failure)
{
    return rest::authenticate(request, m_s.tokens, m_s.users, failure);
}

std::optional<QJsonObject> RestApi::jsonBody(const QHttpServerRequest& request,
                                             std::optional<Response>& failure)
{
    return rest::jsonBody(request, failure);
}

QHttpServerResponse RestApi::health()
{
    return QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                       {QStringLiteral("version"), buildinfo::version()},
                       {QStringLiteral("revision"), buildinfo::revision()},
                       {QStringLiteral("schemaVersion"), m_s.db.schemaVersion()},
                       {QStringLiteral("connections"), m_s.endpoint.connectedCount()}};
}

QHttpServerResponse RestApi::ready()
{
    // Liveness (/api/health) says the process answers; readiness says it can serve now: the
    // database answers, its schema is the one this binary knows, and it is not stopping.
    QJsonArray problems;
    if (m_draining)
        problems.append(QStringLiteral("stopping"));
    if (!m_s.db.isReachable())
        problems.append(QStringLiteral("database unreachable"));
    else if (m_s.db.schemaVersion() != Database::knownSchemaVersion())
        problems.append(QStringLiteral("database schema %1, expected %2")
                            .arg(m_s.db.schemaVersion())
                            .arg(Database::knownSchemaVersion()));
    QJsonObject body{{QStringLiteral("status"),
                      problems.isEmpty() ? QStringLiteral("ready") : QStringLiteral("not_ready")},
                     {QStringLiteral("schemaVersion"), m_s.db.schemaVersion()}};
    if (!problems.isEmpty())
        body.insert(QStringLiteral("problems"), problems);
    // A node without Redis still serves its sockets (and other nodes' changes reach them from the
    // log, a little later): ready, but the operator should know.
    if (const ClusterBus* cluster = m_s.hub.cluster())
        body.insert(
            QStringLiteral("cluster"),
            QJsonObject{{QStringLiteral("node"), cluster->nodeId()},
                        {QStringLiteral("mode"),
                         cluster->isLive() ? QStringLiteral("live") : QStringLiteral("degraded")},
                        {QStringLiteral("redis"),
                         cluster->isLive() ? QStringLiteral("up") : QStringLiteral("unreachable")},
                        {QStringLiteral("peers"), cluster->peerCount()}});
    return QHttpServerResponse(body, problems.isEmpty()
                                         ? QHttpServerResponder::StatusCode::Ok
                                         : QHttpServerResponder::StatusCode::ServiceUnavailable);
}

void RestApi::login(const QHttpServerRequest& request, QHttpServerResponder&& responder)
{
    std::optional<Response> failure;
    const auto body = jsonBody(request, failure);
    if (!body)
        return failure->write(std::move(responder));
    const QString email = body->value(QStringLiteral("email")).toString().trimmed();
    const QString password = body->value(QStringLiteral("password")).toString();
    const QString address =
        ClientAddress::of(request.remoteAddress(),
                          request.value(QByteArrayLiteral("X-Forwarded-For")), m_trustedProxies);
    if (const auto wait = m_throttle.wait(email, address)) {
        qCWarning(lcAuth) << "login throttled for" << email << "from" << address << "for"
                          << wait->count() << "s";
        Response refused = errorResponse(
            Status::TooManyRequests, QStringLiteral("too_many_attempts"),
            QStringLiteral("Too many failed sign-ins: try again in %1 s").arg(wait->count()));
        refused.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(wait->count()));
        return refused.write(std::move(responder));
    }
    // Each check holds 64 MiB for ~50 ms: a queue longer than this is a flood, not people.
    constexpr int kMaxWaitingChecks = 32;
    if (m_s.passwords.backlog() >= kMaxWaitingChecks) {
        Response busy = errorResponse(Status::ServiceUnavailable, QStringLiteral("busy"),
                                      QStringLiteral("Too many sign-ins at once: try again"));
        busy.addHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
        return busy.write(std::move(responder));
    }
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> socket = held->socket();
    m_s.passwords.verify(
        m_s.users.passwordHash(email), password,
        [this, held, socket, email, address](bool matches) {
            const auto user = matches ? m_s.users.findByEmail(email) : std::nullopt;
            if (m_loginObserver)
                m_loginObserver(email, address, user && !user->disabled);
            if (!user || user->disabled) {
                m_throttle.failed(email, address);
                // Never the password; the email as typed, so an operator sees what is tried.
                qCWarning(lcAuth) << "failed login for" << email << "from" << address
                                  << (matches ? "(account disabled)" : "");
                if (socket)
                    errorResponse(
                        Status::Unauthorized, QStringLiteral("invalid_credentials"),
                        QStringLiteral("Wrong email or password, or the account is disabled"))
                        .write(std::move(*held));
                return;
            }
            m_throttle.succeeded(email);
            qCInfo(lcAuth) << "login" << user->identity.userId << "from" << address;
            if (socket) // the client may have given up while the hash ran
                Response(tokensJson(m_s.tokens.issue(user->identity), user->identity))
                    .write(std::move(*held));
        });
}

QHttpServerResponse RestApi::refresh(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto body = jsonBody(request, failure);
    if (!body)
        return std::move(*failure);
    Identity identity;
    QString code;
    const auto tokens = m_s.tokens.refresh(body->value(QStringLiteral("refreshToken")).toString(),
                                           m_s.users, &identity, &code);
    if (!tokens) {
        // A reused rotated token ends every session of its user: their sockets go now.
        m_s.hub.refreshAccess();
        return errorResponse(Status::Unauthorized, code,
                             QStringLiteral("The refresh token is not valid any more; sign in"));
    }
    return tokensJson(*tokens, identity);
}

QHttpServerResponse RestApi::logout(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto body = jsonBody(request, failure);
    if (!body)
        return std::move(*failure);
    // The session ends everywhere at once: its access token is refused from now on (REST and
    // CONNECT check the session), and its sockets hear auth:revoked.
    if (m_s.tokens.revoke(body->value(QStringLiteral("refreshToken")).toString()))
        m_s.hub.refreshAccess();
    return QHttpServerResponse(Status::NoContent);
}

QHttpServerResponse RestApi::me(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto identity = authenticate(request, failure);
    if (!identity)
        return std::move(*failure);
    return identity->toJson();
}

QHttpServerResponse RestApi::users(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto identity = authenticate(request, failure);
    if (!identity)
        return std::move(*failure);
    // The people an agent works with: their brokerage's enabled users, without emails.
    // pictureVersion tells clients which cached picture is stale.
    QJsonArray people;
    const QHash<QString, qint64> pictures = m_s.pictures.versions();
    for (const auto& user : m_s.users.list()) {
        if (user.disabled || user.identity.brokerageId != identity->brokerageId)
            continue;
        QJsonObject person = user.identity.toJson();
        person.remove(QStringLiteral("brokerageId"));
        if (const qint64 version = pictures.value(user.identity.userId); version > 0)
            person.insert(QStringLiteral("pictureVersion"), version);
        people.append(person);
    }
    return QJsonObject{{QStringLiteral("users"), people}};
}

QHttpServerResponse RestApi::updateUser(const QString& id, const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto admin = authenticate(request, failure);
    if (!admin)
        return std::move(*failure);
    const auto body = jsonBody(request, failure);
    if (!body)
        return std::move(*failure);
    const auto user = m_s.users.findById(id);
    if (!admin->isBrokerAdmin() || admin->isAgent())
        return errorResponse(Status::Forbidden, QStringLiteral("forbidden"),
                             QStringLiteral("Only a broker admin changes teams and roles"));
    if (!user || user->identity.brokerageId != admin->brokerageId)
        return errorResponse(Status::NotFound, QStringLiteral("not_found"),
                             QStringLiteral("No such user"));
    auto named = [&](const QString& key) {
        return body->contains(key) ? std::optional<QString>(body->value(key).toString())
                                   : std::nullopt;
    };
    if (const auto refusal = m_s.users.changeAccess(*user, named(QStringLiteral("team")),
                                                    named(QStringLiteral("role"))))
        return errorResponse(refusal->code == u"storage" ? Status::ServiceUnavailable
                                                         : Status::UnprocessableEntity,
                             refusal->code, refusal->message);
    // changeAccess wrote an access-log row with the change: the user's sockets are told now.
    m_s.hub.refreshAccess();
    QJsonObject person = m_s.users.findById(id)->identity.toJson();
    person.remove(QStringLiteral("brokerageId"));
    return person;
}

QHttpServerResponse RestApi::listRecords(const QString& module, const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto identity = authenticate(request, failure);
    if (!identity)
        return std::move(*failure);
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        return errorResponse(Status::NotFound, QStringLiteral("unknown_module"),
                             QStringLiteral("There is no module '%1'").arg(module));
    const QUrlQuery query(request.url());
    const int offset = std::max(0, query.queryItemValue(QStringLiteral("offset")).toInt());
    const int requested = query.queryItemValue(QStringLiteral("limit")).toInt();
    const int limit = requested > 0 ? std::min(requested, 500) : 100;
    // The seq is read before the page: a change committed in between arrives again through the
    // stream, and applying it twice is harmless (versions tell).
    const qint64 seq = m_s.log.lastSeq(identity->brokerageId);
    qint64 total = 0;
    QJsonArray items;
    for (const auto& record : m_s.records.list(*identity, module, offset, limit, &total))
        items.append(record.toJson(*identity, *spec));
    return QJsonObject{{QStringLiteral("items"), items},
                       {QStringLiteral("total"), total},
                       {QStringLiteral("offset"), offset},
                       {QStringLiteral("seq"), seq}};
}

QHttpServerResponse RestApi::getRecord(const QString& module, const QString& id,
                                       const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto identity = authenticate(request, failure);
    if (!identity)
        return std::move(*failure);
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    const auto record = spec ? m_s.records.find(module, id) : std::nullopt;
    if (!record || record->deleted || !identity->canSee(record->brokerageId, record->teamId))
        return errorResponse(Status::NotFound, QStringLiteral("not_found"),
                             QStringLiteral("No such record"));
    QHttpServerResponse response(record->toJson(*identity, *spec));
    response.addHeader(QByteArrayLiteral("ETag"), '"' + QByteArray::number(record->version) + '"');
    return response;
}

QHttpServerResponse RestApi::mutate(const QString& module, const QString& id,
                                    const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto identity = authenticate(request, failure);
    if (!identity)
        return std::move(*failure);
    const bool creating = request.method() == Method::Post;
    QJsonObject body;
    if (request.method() != Method::Delete || !request.body().isEmpty()) {
        const auto parsed = jsonBody(request, failure);
        if (!parsed)
            return std::move(*failure);
        body = *parsed;
    }

    QJsonObject json{{QStringLiteral("module"), module},
                     {QStringLiteral("fields"), body.value(QStringLiteral("fields"))}};
    json.insert(QStringLiteral("op"), creating ? QStringLiteral("create")
                                      : request.method() == Method::Patch
                                          ? QStringLiteral("update")
                                          : QStringLiteral("delete"));
    json.insert(QStringLiteral("id"),
                creating ? body.value(QStringLiteral("id"))
                               .toString(QUuid::createUuid().toString(QUuid::WithoutBraces))
                         : id);
    // Idempotency-Key: "<clientId>:<mutationId>" makes the call exactly-once like a socket one.
    QString clientId;
    const QString key = QString::fromUtf8(request.value(QByteArrayLiteral("idempotency-key")));
    if (!key.isEmpty()) {
        const qsizetype colon = key.lastIndexOf(u':');
        bool ok = false;
        const qint64 mutationId = colon > 0 ? key.mid(colon + 1).toLongLong(&ok) : 0;
        if (!ok || mutationId < 1)
            return errorResponse(Status::BadRequest, QStringLiteral("bad_idempotency_key"),
                                 QStringLiteral("Idempotency-Key must be <clientId>:<mutationId>"));
        clientId = key.left(colon);
        json.insert(QStringLiteral("mutationId"), mutationId);
    }
    const QByteArray ifMatch = request.value(QByteArrayLiteral("if-match"));
    if (!ifMatch.isEmpty()) {
        bool ok = false;
        const qint64 version =
            QByteArray(ifMatch).replace('"', "").replace("W/", "").toLongLong(&ok);
        if (!ok)
            return errorResponse(Status::BadRequest, QStringLiteral("bad_if_match"),
                                 QStringLiteral("If-Match must carry a record version"));
        json.insert(QStringLiteral("baseVersion"), version);
    } else if (body.contains(QStringLiteral("baseVersion"))) {
        json.insert(QStringLiteral("baseVersion"), body.value(QStringLiteral("baseVersion")));
    }

    const auto mutation = Mutation::fromJson(json, clientId);
    if (!mutation.ok()) {
        const WireError& why = mutation.error();
        return errorResponse(why.code == ErrorCode::TooLarge ? Status::PayloadTooLarge
                                                             : Status::BadRequest,
                             why.codeName(), why.message);
    }
    const auto outcome = m_s.mutations.apply(*identity, mutation.value());
    m_s.metrics.mutation(mutationStatusName(outcome.result.status));
    if (outcome.change)
        m_s.hub.broadcast(*outcome.change);
    return mutationResponse(outcome.toJson(), creating);
}

QHttpServerResponse RestApi::changes(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto identity = authenticate(request, failure);
    if (!identity)
        return std::move(*failure);
    const QUrlQuery query(request.url());
    const qint64 since =
        std::max<qint64>(0, query.queryItemValue(QStringLiteral("since")).toLongLong());
    const int requested = query.queryItemValue(QStringLiteral("limit")).toInt();
    const int limit = requested > 0 ? std::min(requested, 1000) : 500;
    const qint64 last = m_s.log.lastSeq(identity->brokerageId);
    if (since > last)
        return errorResponse(Status::Gone, QStringLiteral("rebootstrap"),
                             QStringLiteral("This server's log does not reach seq %1").arg(since));
    QJsonArray items;
    qint64 through = since;
    for (const auto& change : m_s.log.since(identity->brokerageId, since, limit)) {
        through = change.seq;
        const ModuleSpec* spec = RecordSchema::instance().module(change.module);
        if (!spec || !change.isVisibleTo(*identity))
            continue;
        ChangeEvent event = change.toEvent(*identity, *spec);
        event.event = change.eventName(*spec);
        items.append(event.toJson());
    }
    return QJsonObject{{QStringLiteral("changes"), items},
                       {QStringLiteral("through"), through},
                       {QStringLiteral("lastSeq"), last},
                       {QStringLiteral("more"), through < last}};
}

} // namespace crm
