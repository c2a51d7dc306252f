#pragma once

#include "server/socketio/socketioserveroptions.h"
#include "server/storage/tokenservice.h"
#include "server/sync/servermetrics.h"
#include "server/sync/synchub.h"
#include "server/tasks/taskrunner.h"

#include <memory>
#include <QHostAddress>
#include <QObject>
#include <QString>

class QHttpServer;

namespace crm {

class AccessLog;
class ChangeLog;
class Database;
class MutationService;
class RecordStore;
class RestApi;
class SocketIoServer;
class SyncHub;
class PictureRestApi;
class TaskRestApi;
class TaskStore;
class UserDirectory;
class UserPictureStore;

struct CrmServerOptions
{
    QString dataDir;  // jwt-secret and, unless `database` says otherwise, crm.sqlite live here
    QString database; // empty: SQLite in dataDir; or postgresql://user:pass@host:port/db
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8787; // 0: any free port
    SocketIoServerOptions socket;
    TokenService::Lifetimes lifetimes;
    SyncHub::Options sync;
    TaskRunner::Options tasks;
    // TLS: PEM files; both set to serve https:// and wss:// on the same port.
    QString tlsCertificate;
    QString tlsKey;
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

    Database& database() { return *m_db; }
    UserDirectory& users() { return *m_users; }
    TokenService& tokens() { return *m_tokens; }
    MutationService& mutations() { return *m_mutations; }
    ChangeLog& changeLog() { return *m_log; }
    RecordStore& records() { return *m_records; }
    const ServerMetrics& metrics() const { return m_metrics; }
    SocketIoServer& endpoint() { return *m_endpoint; }
    TaskRunner& tasks() { return *m_tasks; }
    TaskStore& taskStore() { return *m_taskStore; }

private:
    CrmServerOptions m_options;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<AccessLog> m_accessLog;
    std::unique_ptr<TokenService> m_tokens;
    std::unique_ptr<RecordStore> m_records;
    std::unique_ptr<ChangeLog> m_log;
    std::unique_ptr<MutationService> m_mutations;
    std::unique_ptr<QHttpServer> m_http;
    std::unique_ptr<SocketIoServer> m_endpoint;
    std::unique_ptr<SyncHub> m_hub;
    std::unique_ptr<RestApi> m_api;
    std::unique_ptr<TaskStore> m_taskStore;
    std::unique_ptr<TaskRunner> m_tasks;
    std::unique_ptr<TaskRestApi> m_taskApi;
    std::unique_ptr<UserPictureStore> m_pictures;
    std::unique_ptr<PictureRestApi> m_pictureApi;
    ServerMetrics m_metrics;
    quint16 m_port = 0;
};

} // namespace crm
