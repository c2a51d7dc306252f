#pragma once

#include "server/auth/loginthrottle.h"
#include "server/auth/passwordverifier.h"
#include "server/storage/identity.h"
#include "server/sync/servermetrics.h"

#include <functional>
#include <optional>
#include <QHostAddress>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QList>

class QHttpServer;
class QHttpServerRequest;

namespace crm {

class ChangeLog;
class Database;
class MutationService;
class RecordStore;
class ServerMetrics;
class SocketIoServer;
class SyncHub;
class TokenService;
class UserDirectory;
class UserPictureStore;

// The JSON REST half of the protocol (docs/protocol.md, section 6): login and token refresh,
// paged records, mutations with Idempotency-Key / If-Match, changes since a seq, health.
class RestApi
{
public:
    struct Services
    {
        Database& db;
        UserDirectory& users;
        TokenService& tokens;
        RecordStore& records;
        ChangeLog& log;
        MutationService& mutations;
        SyncHub& hub;
        SocketIoServer& endpoint;
        ServerMetrics& metrics;
        UserPictureStore& pictures;
        PasswordVerifier& passwords;
    };

    RestApi(QHttpServer& http, Services services);
    // A stopping server is alive but no longer ready: load balancers send nothing new.
    void setDraining(bool draining) { m_draining = draining; }
    // What a scrape measures beside the counters (sockets, tasks by status).
    void setMetricsSnapshot(std::function<ServerMetrics::Snapshot()> snapshot)
    {
        m_metricsSnapshot = std::move(snapshot);
    }
    // When set, /metrics wants `Authorization: Bearer <token>` (metrics-token-file).
    void setMetricsToken(const QByteArray& token) { m_metricsToken = token; }
    // Proxies whose X-Forwarded-For names the client (ClientAddress).
    void setTrustedProxies(QList<QHostAddress> proxies) { m_trustedProxies = std::move(proxies); }
    // Told of every sign-in checked here (the other nodes of a cluster count it too).
    void setLoginObserver(
        std::function<void(const QString& email, const QString& address, bool succeeded)> observer)
    {
        m_loginObserver = std::move(observer);
    }
    LoginThrottle& loginThrottle() { return m_throttle; }

private:
    using Response = QHttpServerResponse;

    void registerRoutes(QHttpServer& http);
    std::optional<Identity> authenticate(const QHttpServerRequest& request,
                                         std::optional<Response>& failure);
    static std::optional<QJsonObject> jsonBody(const QHttpServerRequest& request,
                                               std::optional<Response>& failure);

    void login(const QHttpServerRequest& request, QHttpServerResponder&& responder);
    Response refresh(const QHttpServerRequest& request);
    Response logout(const QHttpServerRequest& request);
    Response me(const QHttpServerRequest& request);
    Response users(const QHttpServerRequest& request);
    Response updateUser(const QString& id, const QHttpServerRequest& request);
    Response health();
    Response ready();
    Response listRecords(const QString& module, const QHttpServerRequest& request);
    Response getRecord(const QString& module, const QString& id, const QHttpServerRequest& request);
    Response mutate(const QString& module, const QString& id, const QHttpServerRequest& request);
    Response changes(const QHttpServerRequest& request);

    Services m_s;
    bool m_draining = false;
    std::function<ServerMetrics::Snapshot()> m_metricsSnapshot;
    QByteArray m_metricsToken;
    LoginThrottle m_throttle;
    QList<QHostAddress> m_trustedProxies;
    std::function<void(const QString&, const QString&, bool)> m_loginObserver;
};

} // namespace crm
