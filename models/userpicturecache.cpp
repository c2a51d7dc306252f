#include "models/userpicturecache.h"

#include "core/clientcore.h"
#include "models/modelslogging.h"
#include "models/userdirectorymodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace crm {

namespace {

QString metaKey(const QString& userId)
{
    return QStringLiteral("picture:") + userId;
}

} // namespace

UserPictureCache::UserPictureCache(ClientCore& core, UserDirectoryModel& directory, QObject* parent)
    : QObject(parent), m_store(core.store()), m_client(core.directory()), m_directory(directory)
{
    LocalStore& store = m_store;
    // What the profile has, for the people the (cached) directory names: avatars are right
    // before the network answers.
    for (int row = 0; row < directory.rowCount(); ++row) {
        const QString userId = directory.index(row).data(UserDirectoryModel::UserIdRole).toString();
        const QJsonObject saved =
            QJsonDocument::fromJson(store.metaValue(metaKey(userId)).toUtf8()).object();
        const QByteArray bytes =
            QByteArray::fromBase64(saved.value(QStringLiteral("data")).toString().toLatin1());
        if (!bytes.isEmpty())
            m_pictures.insert(userId, {saved.value(QStringLiteral("version")).toInteger(), bytes});
    }
    connect(&directory, &QAbstractItemModel::modelReset, this,
            &UserPictureCache::syncWithDirectory);
    connect(&core, &ClientCore::pictureChanged, this, &UserPictureCache::onPictureChanged);
    connect(&m_client, &DirectoryClient::pictureFetched, this, &UserPictureCache::onFetched);
    connect(&m_client, &DirectoryClient::pictureGone, this, [this](const QString& userId) {
        m_fetching.remove(userId);
        forget(userId);
    });
    connect(&m_client, &DirectoryClient::pictureNotFetched, this,
            [this](const QString& userId) { m_fetching.remove(userId); });
}

QByteArray UserPictureCache::pictureOf(const QString& userId) const
{
    return m_pictures.value(userId).bytes;
}

qint64 UserPictureCache::versionOf(const QString& userId) const
{
    return m_pictures.value(userId).version;
}

void UserPictureCache::setOwnPicture(const QByteArray& bytes, Done done)
{
    // Our own avatar then follows like everyone's: user:picture reaches this profile's socket too.
    m_client.setOwnPicture(bytes, std::move(done));
}

void UserPictureCache::removeOwnPicture(Done done)
{
    m_client.removeOwnPicture(std::move(done));
}

void UserPictureCache::syncWithDirectory()
{
    // The directory is the server's word as of its last refresh: fetch what is newer there,
    // forget the pictures of people who have none now or left. A picture that arrived live and
    // is newer than the directory's number stays.
    QSet<QString> listed;
    for (int row = 0; row < m_directory.rowCount(); ++row) {
        const QModelIndex person = m_directory.index(row);
        const QString userId = person.data(UserDirectoryModel::UserIdRole).toString();
        const qint64 version = person.data(UserDirectoryModel::PictureVersionRole).toLongLong();
        listed.insert(userId);
        if (version > versionOf(userId))
            fetch(userId, version);
        else if (version == 0 && m_pictures.contains(userId))
            forget(userId);
    }
    const QList<QString> cached = m_pictures.keys();
    for (const QString& userId : cached) {
        if (!listed.contains(userId))
            forget(userId);
    }
}

void UserPictureCache::onPictureChanged(const QString& userId, qint64 version)
{
    if (version == 0)
        forget(userId);
    else if (version > versionOf(userId))
        fetch(userId, version);
}

void UserPictureCache::fetch(const QString& userId, qint64 version)
{
    if (m_fetching.value(userId) >= version)
        return; // already on its way
    m_fetching.insert(userId, version);
    m_client.fetchPicture(userId);
}

void UserPictureCache::onFetched(const QString& userId, qint64 version, const QByteArray& bytes)
{
    // Whatever version came (the server's may be older than the one asked for, if it was
    // replaced meanwhile), nothing is on its way any more: the next user:picture asks again.
    m_fetching.remove(userId);
    if (version > versionOf(userId))
        keep(userId, {version, bytes});
}

void UserPictureCache::keep(const QString& userId, const Entry& entry)
{
    m_pictures.insert(userId, entry);
    const QJsonObject saved{{QStringLiteral("version"), entry.version},
                            {QStringLiteral("data"), QString::fromLatin1(entry.bytes.toBase64())}};
    if (!m_store.setMetaValue(metaKey(userId), QString::fromUtf8(QJsonDocument(saved).toJson(
                                                   QJsonDocument::Compact))))
        qCWarning(lcPictures) << "cannot keep the picture of" << userId << "in the profile";
    emit pictureChanged(userId);
}

void UserPictureCache::forget(const QString& userId)
{
    if (!m_pictures.remove(userId))
        return;
    m_store.setMetaValue(metaKey(userId), QString());
    emit pictureChanged(userId);
}

} // namespace crm
