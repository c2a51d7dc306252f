#pragma once

#include "server/socketio/socketioserveroptions.h"
#include "server/storage/tokenservice.h"
#include "server/sync/servermetrics.h"
#include "server/sync/synchub.h"
#include "server/tasks/taskrunner.h"

#include <chrono>
#include <functional>
#include <memory>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>

class QHttpServer;
class QSslConfiguration;
class QTcpServer;

namespace crm {

class AccessLog;
class ClusterBus;
class ChangeLog;
class Database;
class MutationService;
class PasswordVerifier;
class RecordStore;
class RestApi;
class SocketIoServer;
class SyncHub;
class NoteHub;
class NoteRestApi;
class NoteStore;
class PictureRestApi;
class TaskRestApi;
class TaskStore;
class UserDirectory;
class UserPictureStore;

struct CrmServerOptions
{
    QString dataDir;  // jwt-secret and, unless `database` says otherwise, crm.sqlite live here
    QString database; // empty: SQLite in dataDir; or postgresql://user:pass@host:port/db
    QString redis;    // empty: a single node; redis://host:port/db: one node of a cluster
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8787; // 0: any free port
    SocketIoServerOptions socket;
    TokenService::Lifetimes lifetimes;
    SyncHub::Options sync;
    TaskRunner::Options tasks;
    QString databasePassword; // PostgreSQL's, when not in the URL (db-password-file)
    QByteArray metricsToken;  // when set, /metrics wants it as a bearer token
    // Proxies whose X-Forwarded-For names the client (ClientAddress).
    QList<QHostAddress> trustedProxies;
    // TLS: PEM files; both set to serve https:// and wss:// on the same port. The certificate
    // file may hold the whole chain; the key may be EC or RSA.
    QString tlsCertificate;
    QString tlsKey;
    // SIGTERM: how long work in progress may take before the process exits anyway.
    std::chrono::seconds drainTimeout{10};
};

// Everything crm-server is, wired together: storage, auth, REST, the Socket.IO endpoint and the
// sync hub. main() and the in-process tests both build one of these.
class CrmServer : public QObject
{
    Q_OBJECT
public:
    explicit CrmServer(QObject* parent = nullptr);
    ~CrmServer() override;

    // Opens storage (no network yet): enough for `user add`, `--seed-demo` and tests.
    bool open(const CrmServerOptions& options, QString* error);
    // Starts serving; returns false (with the reason) when the port is taken.
    bool listen(QString* error);
    quint16 port() const { return m_port; }
    // Why the last open() or listen() failed, as crm-server's exit status (exitstatus.h).
    int failureStatus() const { return m_failureStatus; }

    // SIGTERM: stops taking connections, says "not ready", lets no task start another slice
    // (a slice is never cut: the event loop runs one at a time; tasks resume at the next
    // start), tells every connected client the server is going away (a WebSocket close "going
    // away": clients reconnect with their own backoff and resend what they had queued), then
    // calls `done` once they are gone or drainTimeout has passed.
    void drain(std::function<void()> done);
    bool isDraining() const { return m_draining; }
    // SIGHUP: reads the TLS certificate chain and key again (a renewed certificate) for the
    // connections that come next; on failure the old ones stay, and *error says why.
    bool reloadTls(QString* error);

    Database& database() { return *m_db; }
    UserDirectory& users() { return *m_users; }
    TokenService& tokens() { return *m_tokens; }
    MutationService& mutations() { return *m_mutations; }
    ChangeLog& changeLog() { return *m_log; }
    RecordStore& records() { return *m_records; }
    NoteHub& notes() { return *m_notes; }
    const ServerMetrics& metrics() const { return m_metrics; }
    SocketIoServer& endpoint() { return *m_endpoint; }
    TaskRunner& tasks() { return *m_tasks; }
    TaskStore& taskStore() { return *m_taskStore; }
    PasswordVerifier& passwords() { return *m_passwords; } // after listen()
    ClusterBus* cluster() { return m_cluster.get(); }      // null for a single node

private:
    void shareSignIns();
    void warnIfExpiring(const QSslConfiguration& tls) const;

    CrmServerOptions m_options;
    int m_failureStatus = 0;
    QHash<QString, qint64> m_taskSteps; // rows counted so far per running task attempt
    bool m_draining = false;
    QTcpServer* m_listener = nullptr; // owned by m_http
    std::unique_ptr<Database> m_db;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<AccessLog> m_accessLog;
    std::unique_ptr<TokenService> m_tokens;
    std::unique_ptr<RecordStore> m_records;
    std::unique_ptr<NoteStore> m_noteStore;
    std::unique_ptr<ChangeLog> m_log;
    std::unique_ptr<MutationService> m_mutations;
    std::unique_ptr<QHttpServer> m_http;
    std::unique_ptr<SocketIoServer> m_endpoint;
    std::unique_ptr<ClusterBus> m_cluster;
    std::unique_ptr<NoteHub> m_notes; // after the hub is gone: closing sockets leave notes
    std::unique_ptr<SyncHub> m_hub;
    std::unique_ptr<PasswordVerifier> m_passwords;
    std::unique_ptr<RestApi> m_api;
    std::unique_ptr<TaskStore> m_taskStore;
    std::unique_ptr<TaskRunner> m_tasks;
    std::unique_ptr<TaskRestApi> m_taskApi;
    std::unique_ptr<UserPictureStore> m_pictures;
    std::unique_ptr<PictureRestApi> m_pictureApi;
    std::unique_ptr<NoteRestApi> m_noteApi;
    ServerMetrics m_metrics;
    quint16 m_port = 0;
};

} // namespace crm
