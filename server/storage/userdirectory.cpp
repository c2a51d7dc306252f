#include "server/storage/userdirectory.h"

#include "server/storage/accesslog.h"
#include "server/storage/database.h"
#include "server/storage/storagelogging.h"

#include <QDateTime>
#include <QUuid>
#include <sodium.h>

namespace crm {

namespace {

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

UserDirectory::UserDirectory(Database& db) : m_db(db)
{
    if (sodium_init() < 0)
        qFatal("libsodium cannot initialise");
}

QString UserDirectory::hashPassword(const QString& password)
{
    const QByteArray utf8 = password.toUtf8();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, utf8.constData(), static_cast<unsigned long long>(utf8.size()),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        qFatal("out of memory hashing a password");
    return QString::fromLatin1(hash);
}

bool UserDirectory::verifyPassword(const QString& hash, const QString& password)
{
    const QByteArray utf8 = password.toUtf8();
    const QByteArray stored = hash.toLatin1();
    return crypto_pwhash_str_verify(stored.constData(), utf8.constData(),
                                    static_cast<unsigned long long>(utf8.size())) == 0;
}

QString UserDirectory::addBrokerage(const QString& name)
{
    const QString id = newId();
    auto query = m_db.query();
    m_db.exec(query, QStringLiteral("INSERT INTO brokerages (id, name) VALUES (?, ?)"), {id, name});
    return id;
}

QString UserDirectory::addTeam(const QString& brokerageId, const QString& name)
{
    const QString id = newId();
    auto query = m_db.query();
    m_db.exec(query, QStringLiteral("INSERT INTO teams (id, brokerage_id, name) VALUES (?, ?, ?)"),
              {id, brokerageId, name});
    return id;
}

std::optional<QString> UserDirectory::addUser(const QString& brokerageId, const QString& teamId,
                                              const QString& email, const QString& displayName,
                                              Identity::Role role, const QString& password,
                                              QString* error)
{
    if (password.size() < 8) {
        *error = QStringLiteral("password must have at least 8 characters");
        return std::nullopt;
    }
    if (!email.contains(u'@')) {
        *error = QStringLiteral("'%1' is not an email address").arg(email);
        return std::nullopt;
    }
    if (findByEmail(email)) {
        *error = QStringLiteral("a user with email %1 exists already").arg(email);
        return std::nullopt;
    }
    const QString id = newId();
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("INSERT INTO users (id, brokerage_id, team_id, email, "
                                  "display_name, role, password_hash, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                   {id, brokerageId, teamId.isEmpty() ? QVariant() : QVariant(teamId),
                    email.toLower(), displayName, Identity::roleName(role), hashPassword(password),
                    now()})) {
        *error = QStringLiteral("cannot store the user (unknown brokerage or team?)");
        return std::nullopt;
    }
    return id;
}

bool UserDirectory::setDisabled(const QString& email, bool disabled)
{
    const auto user = findByEmail(email);
    if (!user)
        return false;
    // With its access-log row, so every running server (this process or not) cuts the user's
    // sessions at once (AccessLog).
    Transaction transaction(m_db);
    auto query = m_db.query();
    return m_db.exec(query, QStringLiteral("UPDATE users SET disabled = ? WHERE id = ?"),
                     {disabled ? 1 : 0, user->identity.userId}) &&
           query.numRowsAffected() == 1 &&
           AccessLog(m_db).record(user->identity.userId, disabled ? AccessLog::Kind::Disabled
                                                                  : AccessLog::Kind::Enabled) &&
           transaction.commit();
}

std::optional<UserDirectory::Refusal>
UserDirectory::changeAccess(const User& user, const std::optional<QString>& teamName,
                            const std::optional<QString>& roleName)
{
    QString teamId = user.identity.teamId;
    if (teamName) {
        teamId = teamIdByName(user.identity.brokerageId, *teamName);
        if (teamId.isEmpty())
            return Refusal{QStringLiteral("unknown_team"),
                           QStringLiteral("No team '%1' in this brokerage").arg(*teamName)};
    }
    Identity::Role role = user.identity.role;
    if (roleName && !Identity::roleFromName(*roleName, &role))
        return Refusal{QStringLiteral("bad_role"),
                       QStringLiteral("role must be agent, team-lead or broker-admin")};
    Transaction transaction(m_db);
    auto query = m_db.query();
    if (!m_db.exec(query, QStringLiteral("UPDATE users SET team_id = ?, role = ? WHERE id = ?"),
                   {teamId, Identity::roleName(role), user.identity.userId}) ||
        query.numRowsAffected() != 1 ||
        !AccessLog(m_db).record(user.identity.userId, AccessLog::Kind::Access) ||
        !transaction.commit())
        return Refusal{QStringLiteral("storage"),
                       QStringLiteral("Could not store the change; try again")};
    return std::nullopt;
}

std::optional<UserDirectory::User> UserDirectory::findWhere(const QString& column,
                                                            const QString& value)
{
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT id, brokerage_id, COALESCE(team_id, ''), email, "
                                  "display_name, role, disabled FROM users WHERE %1 = ?")
                       .arg(column),
                   {value}) ||
        !query.next())
        return std::nullopt;
    User user;
    user.identity.userId = query.value(0).toString();
    user.identity.brokerageId = query.value(1).toString();
    user.identity.teamId = query.value(2).toString();
    user.email = query.value(3).toString();
    user.identity.displayName = query.value(4).toString();
    Identity::roleFromName(query.value(5).toString(), &user.identity.role);
    user.disabled = query.value(6).toInt() != 0;
    return user;
}

std::optional<UserDirectory::User> UserDirectory::findById(const QString& userId)
{
    return findWhere(QStringLiteral("id"), userId);
}

std::optional<UserDirectory::User> UserDirectory::findByEmail(const QString& email)
{
    return findWhere(QStringLiteral("email"), email.toLower());
}

QString UserDirectory::passwordHash(const QString& email)
{
    auto query = m_db.query();
    if (!m_db.exec(query, QStringLiteral("SELECT password_hash FROM users WHERE email = ?"),
                   {email.toLower()}) ||
        !query.next())
        return {};
    return query.value(0).toString();
}

std::optional<UserDirectory::User> UserDirectory::authenticate(const QString& email,
                                                               const QString& password)
{
    auto query = m_db.query();
    if (!m_db.exec(query, QStringLiteral("SELECT password_hash FROM users WHERE email = ?"),
                   {email.toLower()}) ||
        !query.next()) {
        // Spend the same time as a real check, so timing does not reveal who has an account.
        verifyPassword(hashPassword(QStringLiteral("timing-equaliser")), password);
        return std::nullopt;
    }
    if (!verifyPassword(query.value(0).toString(), password))
        return std::nullopt;
    auto user = findByEmail(email);
    if (!user || user->disabled)
        return std::nullopt;
    return user;
}

QList<UserDirectory::User> UserDirectory::list()
{
    QList<User> users;
    auto query = m_db.query();
    if (!m_db.exec(query, QStringLiteral("SELECT email FROM users ORDER BY email")))
        return users;
    QStringList emails;
    while (query.next())
        emails.append(query.value(0).toString());
    for (const auto& email : emails) {
        if (auto user = findByEmail(email))
            users.append(*user);
    }
    return users;
}

QString UserDirectory::firstBrokerageId()
{
    auto query = m_db.query();
    if (m_db.exec(query, QStringLiteral("SELECT id FROM brokerages ORDER BY name LIMIT 1")) &&
        query.next())
        return query.value(0).toString();
    return {};
}

QString UserDirectory::teamIdByName(const QString& brokerageId, const QString& name)
{
    auto query = m_db.query();
    if (m_db.exec(query, QStringLiteral("SELECT id FROM teams WHERE brokerage_id = ? AND name = ?"),
                  {brokerageId, name}) &&
        query.next())
        return query.value(0).toString();
    return {};
}

} // namespace crm
