#include "app/accountsession.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>

Q_LOGGING_CATEGORY(lcAccount, "crm.app.account")

namespace crm {

namespace {

const QString kService = QStringLiteral("crm-desktop");
// A token this close to its end is refreshed first: a command or a reconnect must not start
// with a token that dies on the way.
constexpr qint64 kRefreshMarginSec = 60;

} // namespace

AccountSession::AccountSession(const QUrl& server, const QString& profileDir, QObject* parent)
    : QObject(parent), m_server(server), m_profileDir(profileDir)
{
    m_rest.setBaseUrl(server);
    loadAccount();
    m_credentials = std::make_unique<CredentialStore>(m_keep, kService, m_profileDir);
}

bool AccountSession::usesKeychain() const
{
    return m_keep == Keep::Keychain;
}

QString AccountSession::secretKey() const
{
    // One entry per server and account, so several profiles never overwrite each other.
    return m_server.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash) + u' ' + m_email;
}

QString AccountSession::accountFile() const
{
    return QDir(m_profileDir).filePath(QStringLiteral("account.json"));
}

void AccountSession::loadAccount()
{
    QFile file(accountFile());
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject account = QJsonDocument::fromJson(file.readAll()).object();
    m_email = account.value(QStringLiteral("email")).toString();
    const QString store = account.value(QStringLiteral("secretStore")).toString();
    m_keep = store == QStringLiteral("file")     ? Keep::File
             : store == QStringLiteral("memory") ? Keep::Memory
                                                 : Keep::Keychain;
}

bool AccountSession::saveAccount(QString* error) const
{
    if (!QDir().mkpath(m_profileDir)) {
        *error = tr("Cannot create the profile folder %1").arg(m_profileDir);
        return false;
    }
    QFile::setPermissions(m_profileDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile file(accountFile());
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(accountFile(), file.errorString());
        return false;
    }
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("email"), m_email},
                                         {QStringLiteral("server"), m_server.toString()},
                                         {QStringLiteral("secretStore"),
                                          m_keep == Keep::File     ? QStringLiteral("file")
                                          : m_keep == Keep::Memory ? QStringLiteral("memory")
                                                                   : QStringLiteral("keychain")}})
                   .toJson());
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(accountFile(), file.errorString());
        return false;
    }
    return true;
}

AccountSession::Outcome AccountSession::failureOf(const RestReply& reply)
{
    if (reply.error.isUnauthorized())
        return {Failure::Refused,
                reply.error.message.isEmpty() ? reply.error.code : reply.error.message};
    if (reply.error.kind == RestError::Kind::Http && !reply.error.isTransient())
        return {Failure::Refused, reply.error.describe()};
    return {Failure::Unreachable, reply.error.describe()};
}

void AccountSession::takeTokens(const QJsonObject& body)
{
    m_access = body.value(QStringLiteral("accessToken")).toString();
    m_refresh = body.value(QStringLiteral("refreshToken")).toString();
    m_expiresAt = body.value(QStringLiteral("expiresAt")).toInteger();
    m_user = body.value(QStringLiteral("user")).toObject();
}

void AccountSession::storeTokens(Done done)
{
    const QJsonObject secret{{QStringLiteral("refreshToken"), m_refresh},
                             {QStringLiteral("accessToken"), m_access},
                             {QStringLiteral("expiresAt"), m_expiresAt}};
    m_credentials->write(secretKey(),
                         QString::fromUtf8(QJsonDocument(secret).toJson(QJsonDocument::Compact)),
                         [done](const QString& error) {
                             done(error.isEmpty() ? Outcome{} : Outcome{Failure::Storage, error});
                         });
}

void AccountSession::signIn(const QString& email, const QString& password, Keep keep, Done done)
{
    m_rest.setBearerToken({});
    m_rest.post(
        QStringLiteral("/api/login"),
        QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}},
        [this, email, keep, done](const RestReply& reply) {
            if (!reply.ok())
                return done(failureOf(reply));
            m_email = email;
            if (m_keep != keep) {
                m_keep = keep;
                m_credentials = std::make_unique<CredentialStore>(keep, kService, m_profileDir);
            }
            takeTokens(reply.body.toObject());
            // The secret first: account.json names an account only once its secret is stored.
            storeTokens([this, email, done](const Outcome& stored) {
                QString error;
                if (stored.ok() && !saveAccount(&error))
                    return done({Failure::Storage, error});
                if (stored.ok())
                    qCInfo(lcAccount) << "signed in as" << email << "on" << m_server.toString();
                done(stored);
            });
        });
}

void AccountSession::ensureAccessToken(Done done)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (!m_access.isEmpty() && m_expiresAt - now > kRefreshMarginSec)
        return done({});
    if (m_email.isEmpty())
        return done({Failure::NotSignedIn, tr("Not signed in")});
    m_credentials->read(
        secretKey(), [this, now, done](const std::optional<QString>& value, const QString& error) {
            if (!error.isEmpty())
                return done({Failure::Storage, error});
            if (!value)
                return done({Failure::NotSignedIn, tr("Not signed in")});
            const QJsonObject secret = QJsonDocument::fromJson(value->toUtf8()).object();
            m_refresh = secret.value(QStringLiteral("refreshToken")).toString();
            m_access = secret.value(QStringLiteral("accessToken")).toString();
            m_expiresAt = secret.value(QStringLiteral("expiresAt")).toInteger();
            if (m_refresh.isEmpty())
                return done({Failure::NotSignedIn, tr("The stored sign-in is unreadable")});
            if (!m_access.isEmpty() && m_expiresAt - now > kRefreshMarginSec)
                return done({});
            refresh(done);
        });
}

void AccountSession::refresh(Done done)
{
    if (m_refresh.isEmpty())
        return ensureAccessToken(done);
    m_rest.setBearerToken({});
    m_rest.post(QStringLiteral("/api/token/refresh"),
                QJsonObject{{QStringLiteral("refreshToken"), m_refresh}},
                [this, done](const RestReply& reply) {
                    if (!reply.ok()) {
                        if (reply.error.isUnauthorized())
                            m_access.clear(); // the session is over; the outbox stays
                        return done(failureOf(reply));
                    }
                    // The old refresh token is dead from here on: store the new one first.
                    takeTokens(reply.body.toObject());
                    storeTokens(done);
                });
}

void AccountSession::signOut(Done done)
{
    auto forget = [this, done](const Outcome& server) {
        m_credentials->remove(secretKey(), [this, server, done](const QString& error) {
            m_access.clear();
            m_refresh.clear();
            m_expiresAt = 0;
            if (!error.isEmpty())
                return done({Failure::Storage, error});
            done(server);
        });
    };
    ensureAccessToken([this, forget](const Outcome& ready) {
        if (m_refresh.isEmpty())
            return forget(ready.failure == Failure::NotSignedIn ? Outcome{} : ready);
        m_rest.post(QStringLiteral("/api/logout"),
                    QJsonObject{{QStringLiteral("refreshToken"), m_refresh}},
                    [forget](const RestReply& reply) {
                        forget(reply.ok() ? Outcome{} : failureOf(reply));
                    });
    });
}

void AccountSession::fetchUser(std::function<void(const Outcome&, const QJsonObject&)> done)
{
    ensureAccessToken([this, done](const Outcome& ready) {
        if (!ready.ok())
            return done(ready, {});
        m_rest.setBearerToken(m_access);
        m_rest.get(QStringLiteral("/api/me"), [this, done](const RestReply& reply) {
            if (!reply.ok())
                return done(failureOf(reply), {});
            m_user = reply.body.toObject();
            done({}, m_user);
        });
    });
}

AccountSession::Outcome AccountSession::wait(const std::function<void(Done)>& start)
{
    QEventLoop loop;
    Outcome result;
    bool finished = false;
    start([&](const Outcome& outcome) {
        result = outcome;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}

} // namespace crm
