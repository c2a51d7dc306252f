#include "server/storage/userpicturestore.h"

#include "server/storage/database.h"

#include <QDateTime>
#include <QSqlQuery>

namespace crm {

UserPictureStore::UserPictureStore(Database& db) : m_db(db) {}

QString UserPictureStore::contentTypeOf(const QByteArray& bytes)
{
    if (bytes.startsWith(QByteArrayLiteral("\x89PNG\r\n\x1a\n")))
        return QStringLiteral("image/png");
    if (bytes.startsWith(QByteArrayLiteral("\xff\xd8\xff")))
        return QStringLiteral("image/jpeg");
    return {};
}

std::optional<qint64> UserPictureStore::put(const QString& userId, const QString& contentType,
                                            const QByteArray& bytes)
{
    return write(userId, contentType, bytes);
}

std::optional<qint64> UserPictureStore::remove(const QString& userId)
{
    return write(userId, QString(), QByteArray());
}

std::optional<qint64> UserPictureStore::write(const QString& userId, const QString& contentType,
                                              const QByteArray& bytes)
{
    // A removal stores empty text, not NULL: the row keeps the version count going.
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return std::nullopt;
    auto read = m_db.query();
    if (!m_db.exec(read, QStringLiteral("SELECT version FROM user_pictures WHERE user_id = ?"),
                   {userId}))
        return std::nullopt;
    const qint64 version = read.next() ? read.value(0).toLongLong() + 1 : 1;
    auto remove = m_db.query();
    auto insert = m_db.query();
    const bool stored =
        m_db.exec(remove, QStringLiteral("DELETE FROM user_pictures WHERE user_id = ?"),
                  {userId}) &&
        m_db.exec(insert,
                  QStringLiteral("INSERT INTO user_pictures (user_id, content_type, content, "
                                 "version, updated_at) VALUES (?, ?, ?, ?, ?)"),
                  {userId, contentType.isEmpty() ? QStringLiteral("") : contentType,
                   bytes.isEmpty() ? QStringLiteral("") : QString::fromLatin1(bytes.toBase64()),
                   version, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)});
    if (!stored || !transaction.commit())
        return std::nullopt;
    return version;
}

std::optional<UserPictureStore::Picture> UserPictureStore::picture(const QString& userId)
{
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT content_type, content, version FROM user_pictures "
                                  "WHERE user_id = ? AND content <> ''"),
                   {userId}) ||
        !query.next())
        return std::nullopt;
    return Picture{query.value(0).toString(),
                   QByteArray::fromBase64(query.value(1).toString().toLatin1()),
                   query.value(2).toLongLong()};
}

QHash<QString, qint64> UserPictureStore::versions()
{
    QHash<QString, qint64> versions;
    auto query = m_db.query();
    if (!m_db.exec(query, QStringLiteral("SELECT user_id, version FROM user_pictures WHERE "
                                         "content <> ''")))
        return versions;
    while (query.next())
        versions.insert(query.value(0).toString(), query.value(1).toLongLong());
    return versions;
}

} // namespace crm
