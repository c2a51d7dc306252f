#pragma once

#include <functional>
#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSet>

namespace crm {

class ClientCore;
class LocalStore;
class DirectoryClient;
class UserDirectoryModel;

// People's avatar pictures (PNG or JPEG bytes; decoding is the widgets' business), kept in the
// profile so avatars show them offline. A picture is fetched when the directory names a newer
// version than the copy here, and at once when user:picture says someone changed theirs.
class UserPictureCache : public QObject
{
    Q_OBJECT
public:
    // Called with what went wrong, for people; empty when the server took the change.
    using Done = std::function<void(const QString& problem)>;

    UserPictureCache(ClientCore& core, UserDirectoryModel& directory, QObject* parent = nullptr);

    // Empty when the person has no picture (or it has not arrived yet).
    QByteArray pictureOf(const QString& userId) const;
    qint64 versionOf(const QString& userId) const;

    // The agent's own picture: bytes already made small by the caller (the server refuses
    // anything but PNG or JPEG up to 256 KB, with a reason that reaches `done`).
    void setOwnPicture(const QByteArray& bytes, Done done);
    void removeOwnPicture(Done done);

signals:
    void pictureChanged(const QString& userId);

private:
    struct Entry
    {
        qint64 version = 0;
        QByteArray bytes;
    };

    void syncWithDirectory();
    void onPictureChanged(const QString& userId, qint64 version);
    void fetch(const QString& userId, qint64 version);
    void onFetched(const QString& userId, qint64 version, const QByteArray& bytes);
    void keep(const QString& userId, const Entry& entry);
    void forget(const QString& userId);

    LocalStore& m_store;
    DirectoryClient& m_client;
    UserDirectoryModel& m_directory;
    QHash<QString, Entry> m_pictures;
    QHash<QString, qint64> m_fetching; // userId -> version on its way
};

} // namespace crm
