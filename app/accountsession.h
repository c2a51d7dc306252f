#pragma once

#include "app/credentialstore.h"
#include "realtime/restclient.h"

#include <functional>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

namespace crm {

// One account on one server, as crm-cli and crm-desktop sign it in: signs in with email and
// password, keeps the refresh token (and the current access token, so concurrent runs rarely
// need to rotate) in the credential store, hands out a usable access token (refreshing it when
// it has under a minute left), and signs out. The email and which store holds the secret live in
// the profile's account.json, which holds no secret.
class AccountSession : public QObject
{
    Q_OBJECT
public:
    enum class Failure
    {
        None,
        NotSignedIn, // nothing stored: sign in first
        Refused,     // the server refused the credentials or the refresh token
        Unreachable, // network, timeout, server trouble: try again later
        Storage,     // the keychain or the credentials file failed
    };
    struct Outcome
    {
        Failure failure = Failure::None;
        QString error;
        bool ok() const { return failure == Failure::None; }
    };
    using Done = std::function<void(const Outcome&)>;

    // profileDir: the account's profile folder (local copy, account.json, credentials file).
    AccountSession(const QUrl& server, const QString& profileDir, QObject* parent = nullptr);

    QUrl server() const { return m_server; }
    // Empty when this profile has never signed in.
    QString email() const { return m_email; }
    bool usesKeychain() const;
    QJsonObject user() const { return m_user; }
    QString currentAccessToken() const { return m_access; }
    qint64 accessExpiresAt() const { return m_expiresAt; } // epoch seconds

    // Where the sign-in is kept: the OS keychain, an owner-only file in the profile (less safe),
    // or nowhere but this process ("this session only": the next start asks again).
    using Keep = CredentialStore::Backend;
    void signIn(const QString& email, const QString& password, Keep keep, Done done);
    // A usable access token in currentAccessToken(), refreshed if needed.
    void ensureAccessToken(Done done);
    // Forces a refresh (after the server said auth_expired).
    void refresh(Done done);
    // Tells the server, then forgets the secret here even if the server could not be reached.
    void signOut(Done done);
    // The server's view of the signed-in user (GET /api/me).
    void fetchUser(std::function<void(const Outcome&, const QJsonObject& user)> done);

    // The same, waiting in a local event loop (crm-cli).
    Outcome wait(const std::function<void(Done)>& start);

private:
    QString secretKey() const;
    QString accountFile() const;
    void loadAccount();
    bool saveAccount(QString* error) const;
    void takeTokens(const QJsonObject& body);
    void storeTokens(Done done);
    static Outcome failureOf(const RestReply& reply);

    QUrl m_server;
    QString m_profileDir;
    QString m_email;
    Keep m_keep = Keep::Keychain;
    QString m_access;
    QString m_refresh;
    qint64 m_expiresAt = 0; // epoch seconds
    QJsonObject m_user;
    RestClient m_rest;
    std::unique_ptr<CredentialStore> m_credentials;
};

} // namespace crm
