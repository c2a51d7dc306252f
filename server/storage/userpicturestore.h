#pragma once

#include <optional>
#include <QByteArray>
#include <QHash>
#include <QString>

namespace crm {

class Database;

// People's avatar pictures (PNG or JPEG, at most kMaxBytes). Each upload or removal gives the
// user's picture a new version, so a client's cached copy is known stale by its number alone.
class UserPictureStore
{
public:
    static constexpr qsizetype kMaxBytes = 256 * 1024;

    struct Picture
    {
        QString contentType;
        QByteArray bytes;
        qint64 version = 0;
    };

    explicit UserPictureStore(Database& db);

    // "image/png" or "image/jpeg" by the file's own signature (never by what a client claims),
    // or empty for anything else.
    static QString contentTypeOf(const QByteArray& bytes);

    // The new version, or nullopt on a storage error. The caller checked type and size.
    std::optional<qint64> put(const QString& userId, const QString& contentType,
                              const QByteArray& bytes);
    // The new version (a removal is a version too), or nullopt on a storage error.
    std::optional<qint64> remove(const QString& userId);
    std::optional<Picture> picture(const QString& userId);
    // userId -> version of every user who has a picture now.
    QHash<QString, qint64> versions();

private:
    std::optional<qint64> write(const QString& userId, const QString& contentType,
                                const QByteArray& bytes);

    Database& m_db;
};

} // namespace crm
