#pragma once

#include "server/storage/identity.h"

#include <chrono>
#include <optional>
#include <QByteArray>
#include <QString>

namespace crm {

class Database;
class UserDirectory;

// Short-lived access tokens (JWT, HS256 through libjwt, alg pinned, expiry checked) and
// long-lived refresh tokens (random, stored as a BLAKE2b hash, rotated on every use; reusing a
// rotated token revokes all of that user's refresh tokens, since it means one was stolen).
// A login starts a session: its refresh tokens share the session id, and its access tokens
// carry it (claim `sid`), so signing out ends the access token too, not 15 minutes later.
class TokenService
{
public:
    struct Lifetimes
    {
        std::chrono::seconds access{15 * 60};
        std::chrono::seconds refresh{30 * 24 * 3600};
    };
    struct Tokens
    {
        QString accessToken;
        QString refreshToken;
        qint64 accessExpiresAt = 0; // seconds since the epoch
    };
    enum class Verdict
    {
        Valid,
        Expired,
        Invalid
    };

    TokenService(Database& db, QByteArray secret, Lifetimes lifetimes);

    // The signing secret lives in DATA_DIR/jwt-secret, 0600, created on first start.
    static QByteArray loadOrCreateSecret(const QString& dataDir, QString* error);

    // A new session: a refresh token and an access token tied to it.
    Tokens issue(const Identity& identity);
    // An access token without a refresh token: agents exchange their key again instead.
    Tokens issueAccessOnly(const Identity& identity);
    // Rotates: the old refresh token stops working. errorCode: auth_invalid or auth_expired.
    std::optional<Tokens> refresh(const QString& refreshToken, UserDirectory& users,
                                  Identity* identity, QString* errorCode);
    // Signs out: ends the refresh token's session (recorded in the access log, so its sockets
    // are cut and its access token refused at once).
    bool revoke(const QString& refreshToken);
    // Whether the session an access token names is still signed in (an indexed read). Tokens
    // without a session (an agent key's) are not tied to one: true.
    bool isSessionLive(const QString& sessionId);

    // Agent keys: long-lived secrets an AI agent process holds to act for one user. Shown once
    // at creation ("crmagent_..."), stored as a hash, exchanged for access tokens that carry the
    // agent's name, so its work is attributed to "<user> (AI)".
    QString createAgentKey(const QString& userId, const QString& agentName);
    // The identity to act as, or nullopt (unknown or revoked key, disabled user).
    std::optional<Identity> exchangeAgentKey(const QString& key, UserDirectory& users);
    bool revokeAgentKey(const QString& key);
    Verdict verify(const QString& accessToken, Identity* identity, qint64* expiresAt) const;

    const Lifetimes& lifetimes() const { return m_lifetimes; }

private:
    QString signAccessToken(const Identity& identity, qint64 expiresAt) const;
    QString storeRefreshToken(const QString& userId, const QString& sessionId);
    Tokens issueInSession(Identity identity, const QString& sessionId);

    Database& m_db;
    QByteArray m_secret;
    Lifetimes m_lifetimes;
};

} // namespace crm
