#include "core/directoryclient.h"

#include "core/corelogging.h"
#include "core/localstore.h"
#include "realtime/restclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

namespace crm {

namespace {

const QString kUsersKey = QStringLiteral("user_directory");

DirectoryClient::Done reporting(DirectoryClient::Done done)
{
    return [done = std::move(done)](const QString& problem) {
        if (done)
            done(problem);
    };
}

} // namespace

DirectoryClient::DirectoryClient(RestClient& rest, LocalStore& store, QObject* parent)
    : QObject(parent), m_rest(rest), m_store(store)
{}

QJsonArray DirectoryClient::keptUsers() const
{
    return QJsonDocument::fromJson(m_store.metaValue(kUsersKey).toUtf8()).array();
}

void DirectoryClient::refresh()
{
    m_rest.get(QStringLiteral("/api/users"), [self = QPointer(this)](const RestReply& reply) {
        if (!self)
            return;
        const QJsonValue users = reply.body.toObject().value(QStringLiteral("users"));
        if (!reply.ok() || !users.isArray()) {
            qCInfo(lcClientCore) << "the user directory was not read:"
                                 << (reply.ok() ? QStringLiteral("no list")
                                                : reply.error.describe());
            return;
        }
        if (!self->m_store.setMetaValue(
                kUsersKey,
                QString::fromUtf8(QJsonDocument(users.toArray()).toJson(QJsonDocument::Compact))))
            qCWarning(lcClientCore) << "the user directory could not be kept in the profile";
        emit self->usersReceived(users.toArray());
    });
}

void DirectoryClient::fetchPicture(const QString& userId)
{
    m_rest.get(QStringLiteral("/api/users/%1/picture").arg(userId),
               [self = QPointer(this), userId](const RestReply& reply) {
                   if (!self)
                       return;
                   if (!reply.ok()) {
                       // Not found: removed meanwhile. Anything else: the next sync retries.
                       if (reply.httpStatus == 404)
                           emit self->pictureGone(userId);
                       else
                           emit self->pictureNotFetched(userId);
                       return;
                   }
                   const QJsonObject body = reply.body.toObject();
                   const QByteArray png = QByteArray::fromBase64(
                       body.value(QStringLiteral("data")).toString().toLatin1());
                   const qint64 version = body.value(QStringLiteral("version")).toInteger();
                   if (png.isEmpty() || version <= 0) {
                       qCWarning(lcClientCore) << "an unreadable picture of" << userId;
                       emit self->pictureNotFetched(userId);
                       return;
                   }
                   emit self->pictureFetched(userId, version, png);
               });
}

void DirectoryClient::setOwnPicture(const QByteArray& png, Done done)
{
    m_rest.put(QStringLiteral("/api/me/picture"),
               QJsonObject{{QStringLiteral("data"), QString::fromLatin1(png.toBase64())}},
               [done = reporting(std::move(done))](const RestReply& reply) {
                   done(reply.ok() ? QString() : reply.error.describe());
               });
}

void DirectoryClient::removeOwnPicture(Done done)
{
    m_rest.remove(QStringLiteral("/api/me/picture"),
                  [done = reporting(std::move(done))](const RestReply& reply) {
                      done(reply.ok() ? QString() : reply.error.describe());
                  });
}

} // namespace crm
