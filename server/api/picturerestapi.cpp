#include "server/api/picturerestapi.h"

#include "server/api/resthelpers.h"
#include "server/storage/userdirectory.h"
#include "server/storage/userpicturestore.h"
#include "server/sync/synchub.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonObject>

namespace crm {

namespace {

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;
using rest::errorResponse;

// base64 of the largest picture, with room for the JSON around it.
constexpr qsizetype kMaxPictureBody = UserPictureStore::kMaxBytes * 4 / 3 + 1024;

} // namespace

PictureRestApi::PictureRestApi(QHttpServer& http, Services services) : m_s(services)
{
    http.route(QStringLiteral("/api/me/picture"), [this](const QHttpServerRequest& request) {
        if (request.method() == Method::Put)
            return setOwn(request);
        if (request.method() == Method::Delete)
            return removeOwn(request);
        return rest::methodNotAllowed();
    });
    http.route(QStringLiteral("/api/users/<arg>/picture"),
               [this](const QString& userId, const QHttpServerRequest& request) {
                   return request.method() == Method::Get ? get(userId, request)
                                                          : rest::methodNotAllowed();
               });
}

std::optional<Identity> PictureRestApi::pictureOwner(const QHttpServerRequest& request,
                                                     std::optional<Response>& failure)
{
    auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (who && who->isAgent()) {
        failure = errorResponse(Status::Forbidden, QStringLiteral("forbidden"),
                                QStringLiteral("An AI agent cannot change its person's picture"));
        return std::nullopt;
    }
    return who;
}

QHttpServerResponse PictureRestApi::setOwn(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = pictureOwner(request, failure);
    if (!who)
        return std::move(*failure);
    const auto body = rest::jsonBody(request, failure, kMaxPictureBody);
    if (!body)
        return std::move(*failure);
    const auto decoded =
        QByteArray::fromBase64Encoding(body->value(QStringLiteral("data")).toString().toLatin1(),
                                       QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return errorResponse(Status::UnprocessableEntity, QStringLiteral("bad_picture"),
                             QStringLiteral("data must be the picture's bytes in base64"));
    if (decoded.decoded.size() > UserPictureStore::kMaxBytes)
        return errorResponse(Status::PayloadTooLarge, QStringLiteral("too_large"),
                             QStringLiteral("A picture may have at most %1 KB")
                                 .arg(UserPictureStore::kMaxBytes / 1024));
    const QString type = UserPictureStore::contentTypeOf(decoded.decoded);
    if (type.isEmpty())
        return errorResponse(Status::UnprocessableEntity, QStringLiteral("bad_picture"),
                             QStringLiteral("A picture must be a PNG or JPEG file"));
    const auto version = m_s.pictures.put(who->userId, type, decoded.decoded);
    if (!version)
        return errorResponse(Status::ServiceUnavailable, QStringLiteral("storage"),
                             QStringLiteral("Could not store the picture; try again"));
    m_s.hub.pictureChanged(who->brokerageId, who->userId, *version);
    return QJsonObject{{QStringLiteral("pictureVersion"), *version}};
}

QHttpServerResponse PictureRestApi::removeOwn(const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = pictureOwner(request, failure);
    if (!who)
        return std::move(*failure);
    const auto version = m_s.pictures.remove(who->userId);
    if (!version)
        return errorResponse(Status::ServiceUnavailable, QStringLiteral("storage"),
                             QStringLiteral("Could not remove the picture; try again"));
    m_s.hub.pictureChanged(who->brokerageId, who->userId, 0);
    return QJsonObject{{QStringLiteral("pictureVersion"), 0}};
}

QHttpServerResponse PictureRestApi::get(const QString& userId, const QHttpServerRequest& request)
{
    std::optional<Response> failure;
    const auto who = rest::authenticate(request, m_s.tokens, m_s.users, failure);
    if (!who)
        return std::move(*failure);
    const auto user = m_s.users.findById(userId);
    const auto picture = user && user->identity.brokerageId == who->brokerageId
                             ? m_s.pictures.picture(userId)
                             : std::nullopt;
    if (!picture)
        return errorResponse(Status::NotFound, QStringLiteral("not_found"),
                             QStringLiteral("This person has no picture"));
    return QJsonObject{{QStringLiteral("userId"), userId},
                       {QStringLiteral("version"), picture->version},
                       {QStringLiteral("contentType"), picture->contentType},
                       {QStringLiteral("data"), QString::fromLatin1(picture->bytes.toBase64())}};
}

} // namespace crm
