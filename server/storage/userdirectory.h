#pragma once

#include "server/storage/identity.h"

#include <optional>
#include <QList>
#include <QString>

namespace crm {

class Database;

// Brokerages, teams and users, with argon2id password hashes (libsodium).
class UserDirectory
{
public:
    struct User
    {
        Identity identity;
        QString email;
        bool disabled = false;
    };

    explicit UserDirectory(Database& db);

    QString addBrokerage(const QString& name);
    QString addTeam(const QString& brokerageId, const QString& name);
    // Null on failure (duplicate email, unknown team, weak password), with the reason.
    std::optional<QString> addUser(const QString& brokerageId, const QString& teamId,
                                   const QString& email, const QString& displayName,
                                   Identity::Role role, const QString& password, QString* error);
    // Running servers learn of it through the access log and cut the user's sessions at once.
    bool setDisabled(const QString& email, bool disabled);
    // Why a change of access was not made: unknown_team, bad_role or storage.
    struct Refusal
    {
        QString code;
        QString message;
    };
    // Moves a user to another team of their brokerage (by its name) and/or gives them another
    // role (by its name); nullopt keeps what they have. Nullopt when stored (with an access-log
    // row: the user's sockets are told and reconnect with their new scope).
    std::optional<Refusal> changeAccess(const User& user, const std::optional<QString>& teamName,
                                        const std::optional<QString>& roleName);

    // The user when the password matches and the account is enabled. Takes ~0.1 s on purpose.
    std::optional<User> authenticate(const QString& email, const QString& password);
    // The stored argon2id hash of an account's password; empty when there is no such account.
    QString passwordHash(const QString& email);
    std::optional<User> findById(const QString& userId);
    std::optional<User> findByEmail(const QString& email);
    QList<User> list();
    QString firstBrokerageId();
    QString teamIdByName(const QString& brokerageId, const QString& name);

    static QString hashPassword(const QString& password);
    static bool verifyPassword(const QString& hash, const QString& password);

private:
    std::optional<User> findWhere(const QString& column, const QString& value);

    Database& m_db;
};

} // namespace crm
