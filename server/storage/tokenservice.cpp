#include "server/storage/tokenservice.h"

#include "server/storage/accesslog.h"
#include "server/storage/database.h"
#include "server/storage/storagelogging.h"
#include "server/storage/userdirectory.h"

#include <cstdlib>
#include <jwt.h>
#include <memory>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QUuid>
#include <sodium.h>

namespace crm {

namespace {

struct JwtDeleter
{
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

QString tokenHash(const QString& token)
{
    const QByteArray utf8 = token.toUtf8();
    unsigned char hash[32];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(utf8.constData()),
                       static_cast<unsigned long long>(utf8.size()), nullptr, 0);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(hash), sizeof hash).toHex());
}

QString randomToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    randombytes_buf(bytes.data(), static_cast<size_t>(bytes.size()));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString isoFromSeconds(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

TokenService::TokenService(Database& db, QByteArray secret, Lifetimes lifetimes)
    : m_db(db), m_secret(std::move(secret)), m_lifetimes(lifetimes)
{}

QByteArray TokenService::loadOrCreateSecret(const QString& dataDir, QString* error)
{
    QFile file(QDir(dataDir).filePath(QStringLiteral("jwt-secret")));
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = file.errorString();
            return {};
        }
        const QByteArray secret = QByteArray::fromHex(file.readAll().trimmed());
        if (secret.size() < 32)
            *error = QStringLiteral("%1 is shorter than 32 bytes").arg(file.fileName());
        return secret;
    }
    QByteArray secret(32, Qt::Uninitialized);
    randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
    // Created with owner-only permissions (0600) from the start: never readable by others, not
    // even for a moment.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(secret.toHex()) < 0) {
        *error = file.errorString();
        return {};
    }
    return secret;
}

QString TokenService::signAccessToken(const Identity& identity, qint64 expiresAt) const
{
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0)
        qFatal("jwt_new failed");
    JwtPtr jwt(raw);
    jwt_add_grant(jwt.get(), "sub", identity.userId.toUtf8().constData());
    jwt_add_grant(jwt.get(), "brk", identity.brokerageId.toUtf8().constData());
    jwt_add_grant(jwt.get(), "team", identity.teamId.toUtf8().constData());
    jwt_add_grant(jwt.get(), "role", Identity::roleName(identity.role).toUtf8().constData());
    jwt_add_grant(jwt.get(), "name", identity.displayName.toUtf8().constData());
    if (identity.isAgent())
        jwt_add_grant(jwt.get(), "agt", identity.agentName.toUtf8().constData());
    if (!identity.sessionId.isEmpty())
        jwt_add_grant(jwt.get(), "sid", identity.sessionId.toUtf8().constData());
    jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(nowSeconds()));
    jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(expiresAt));
    jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                reinterpret_cast<const unsigned char*>(m_secret.constData()),
                static_cast<int>(m_secret.size()));
    char* encoded = jwt_encode_str(jwt.get());
    const QString token = QString::fromLatin1(encoded);
    free(encoded); // libjwt 1.10 hands out malloc()ed strings
    return token;
}

TokenService::Verdict TokenService::verify(const QString& accessToken, Identity* identity,
                                           qint64* expiresAt) const
{
    if (accessToken.isEmpty() || accessToken.size() > 4096)
        return Verdict::Invalid;
    jwt_t* raw = nullptr;
    const QByteArray token = accessToken.toLatin1();
    if (jwt_decode(&raw, token.constData(),
                   reinterpret_cast<const unsigned char*>(m_secret.constData()),
                   static_cast<int>(m_secret.size())) != 0)
        return Verdict::Invalid;
    JwtPtr jwt(raw);
    // Pinned: a token that names another algorithm (or none) is refused, whatever it claims.
    if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256)
        return Verdict::Invalid;
    const long exp = jwt_get_grant_int(jwt.get(), "exp");
    if (exp <= 0)
        return Verdict::Invalid;
    auto grant = [&](const char* name) {
        const char* value = jwt_get_grant(jwt.get(), name);
        return value ? QString::fromUtf8(value) : QString();
    };
    identity->userId = grant("sub");
    identity->brokerageId = grant("brk");
    identity->teamId = grant("team");
    identity->displayName = grant("name");
    identity->agentName = grant("agt");
    identity->sessionId = grant("sid");
    if (identity->userId.isEmpty() || !Identity::roleFromName(grant("role"), &identity->role))
        return Verdict::Invalid;
    if (expiresAt)
        *expiresAt = exp;
    return exp <= nowSeconds() ? Verdict::Expired : Verdict::Valid;
}

QString TokenService::storeRefreshToken(const QString& userId, const QString& sessionId)
{
    const QString token = randomToken();
    auto query = m_db.query();
    m_db.exec(query,
              QStringLiteral("INSERT INTO refresh_tokens (id, user_id, token_hash, expires_at, "
                             "created_at, session_id) VALUES (?, ?, ?, ?, ?, ?)"),
              {QUuid::createUuid().toString(QUuid::WithoutBraces), userId, tokenHash(token),
               isoFromSeconds(nowSeconds() + m_lifetimes.refresh.count()),
               isoFromSeconds(nowSeconds()), sessionId});
    return token;
}

TokenService::Tokens TokenService::issueAccessOnly(const Identity& identity)
{
    Tokens tokens;
    tokens.accessExpiresAt = nowSeconds() + m_lifetimes.access.count();
    tokens.accessToken = signAccessToken(identity, tokens.accessExpiresAt);
    return tokens;
}

TokenService::Tokens TokenService::issue(const Identity& identity)
{
    return issueInSession(identity, QUuid::createUuid().toString(QUuid::WithoutBraces));
}

TokenService::Tokens TokenService::issueInSession(Identity identity, const QString& sessionId)
{
    identity.sessionId = sessionId;
    Tokens tokens;
    tokens.accessExpiresAt = nowSeconds() + m_lifetimes.access.count();
    tokens.accessToken = signAccessToken(identity, tokens.accessExpiresAt);
    tokens.refreshToken = storeRefreshToken(identity.userId, sessionId);
    return tokens;
}

std::optional<TokenService::Tokens> TokenService::refresh(const QString& refreshToken,
                                                          UserDirectory& users, Identity* identity,
                                                          QString* errorCode)
{
    *errorCode = QStringLiteral("auth_invalid");
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT id, user_id, expires_at, revoked_at, replaced_by, "
                                  "COALESCE(session_id, id) FROM refresh_tokens WHERE "
                                  "token_hash = ?"),
                   {tokenHash(refreshToken)}) ||
        !query.next())
        return std::nullopt;
    const QString id = query.value(0).toString();
    const QString userId = query.value(1).toString();
    const QString expires = query.value(2).toString();
    const QString sessionId = query.value(5).toString();
    if (!query.value(3).isNull() && query.value(4).isNull())
        return std::nullopt; // signed out
    if (!query.value(3).isNull()) {
        // A rotated token came back: someone kept a copy. End every session of that user.
        qCWarning(lcAuth) << "rotated refresh token reused for user" << userId
                          << ": revoking all of their sessions";
        // Their access tokens and sockets too: the access log tells every server at once.
        Transaction revokeAll(m_db);
        auto update = m_db.query();
        if (!m_db.exec(update,
                       QStringLiteral("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? "
                                      "AND revoked_at IS NULL"),
                       {isoFromSeconds(nowSeconds()), userId}) ||
            !AccessLog(m_db).record(userId, AccessLog::Kind::SessionsRevoked) ||
            !revokeAll.commit())
            qCWarning(lcAuth) << "could not revoke the sessions of user" << userId;
        return std::nullopt;
    }
    if (QDateTime::fromString(expires, Qt::ISODate) <= QDateTime::currentDateTimeUtc()) {
        *errorCode = QStringLiteral("auth_expired");
        return std::nullopt;
    }
    const auto user = users.findById(userId);
    if (!user || user->disabled)
        return std::nullopt;

    Transaction transaction(m_db);
    Tokens tokens = issueInSession(user->identity, sessionId);
    // Only a token still live is rotated: a sign-out (another process, another node) that
    // revoked it since it was read above wins, and no new token outlives it.
    auto rotate = m_db.query();
    if (!m_db.exec(rotate,
                   QStringLiteral("UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ? "
                                  "WHERE id = ? AND revoked_at IS NULL"),
                   {isoFromSeconds(nowSeconds()), tokenHash(tokens.refreshToken), id}) ||
        rotate.numRowsAffected() != 1 || !transaction.commit())
        return std::nullopt;
    *identity = user->identity;
    identity->sessionId = sessionId;
    errorCode->clear();
    return tokens;
}

bool TokenService::revoke(const QString& refreshToken)
{
    auto find = m_db.query();
    if (!m_db.exec(find,
                   QStringLiteral("SELECT user_id, COALESCE(session_id, id) FROM refresh_tokens "
                                  "WHERE token_hash = ? AND revoked_at IS NULL"),
                   {tokenHash(refreshToken)}) ||
        !find.next())
        return false;
    const QString userId = find.value(0).toString();
    const QString sessionId = find.value(1).toString();
    Transaction transaction(m_db);
    auto query = m_db.query();
    // The whole session ends: a rotation that slipped in since the read above left a newer
    // token of the same session, and it must not keep the session alive.
    return m_db.exec(query,
                     QStringLiteral("UPDATE refresh_tokens SET revoked_at = ? WHERE "
                                    "COALESCE(session_id, id) = ? AND revoked_at IS NULL"),
                     {isoFromSeconds(nowSeconds()), sessionId}) &&
           query.numRowsAffected() >= 1 &&
           AccessLog(m_db).record(userId, AccessLog::Kind::SignedOut, sessionId) &&
           transaction.commit();
}

bool TokenService::isSessionLive(const QString& sessionId)
{
    if (sessionId.isEmpty())
        return true;
    // A live session has exactly one token that is neither rotated nor revoked: rotation swaps
    // them in one transaction, signing out revokes the last one.
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("SELECT 1 FROM refresh_tokens WHERE session_id = ? AND "
                                    "revoked_at IS NULL LIMIT 1"),
                     {sessionId}) &&
           query.next();
}

QString TokenService::createAgentKey(const QString& userId, const QString& agentName)
{
    const QString key = QStringLiteral("crmagent_") + randomToken();
    auto query = m_db.query();
    if (!m_db.exec(
            query,
            QStringLiteral("INSERT INTO agent_keys (id, user_id, name, key_hash, created_at) "
                           "VALUES (?, ?, ?, ?, ?)"),
            {QUuid::createUuid().toString(QUuid::WithoutBraces), userId, agentName, tokenHash(key),
             isoFromSeconds(nowSeconds())}))
        return {};
    return key;
}

std::optional<Identity> TokenService::exchangeAgentKey(const QString& key, UserDirectory& users)
{
    if (!key.startsWith(QStringLiteral("crmagent_")) || key.size() > 200)
        return std::nullopt;
    auto query = m_db.query();
    if (!m_db.exec(query,
                   QStringLiteral("SELECT user_id, name FROM agent_keys WHERE key_hash = ? AND "
                                  "revoked_at IS NULL"),
                   {tokenHash(key)}) ||
        !query.next())
        return std::nullopt;
    const QString agentName = query.value(1).toString();
    const auto user = users.findById(query.value(0).toString());
    if (!user || user->disabled)
        return std::nullopt;
    Identity identity = user->identity;
    identity.agentName = agentName;
    return identity;
}

bool TokenService::revokeAgentKey(const QString& key)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE agent_keys SET revoked_at = ? WHERE key_hash = ? AND "
                                    "revoked_at IS NULL"),
                     {isoFromSeconds(nowSeconds()), tokenHash(key)}) &&
           query.numRowsAffected() == 1;
}

} // namespace crm
