#include "server/crmserver.h"

#include "server/api/picturerestapi.h"
#include "server/api/restapi.h"
#include "server/api/resthelpers.h"
#include "server/api/taskrestapi.h"
#include "server/http/guardedtcpserver.h"
#include "server/socketio/socketioserver.h"
#include "server/storage/accesslog.h"
#include "server/storage/changelog.h"
#include "server/storage/database.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/storage/userdirectory.h"
#include "server/storage/userpicturestore.h"
#include "server/sync/synchub.h"
#include "server/tasks/taskstore.h"

#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>

namespace crm {

namespace {

// An import's file travels in the task request: TaskRestApi takes bodies up to this.
constexpr qint64 kMaxTaskBody = 33 * 1024 * 1024;

// What HttpRequestGuard lets through to QtHttpServer, by the request's head.
std::shared_ptr<const HttpRequestGuard::Limits> requestLimits()
{
    auto limits = std::make_shared<HttpRequestGuard::Limits>();
    limits->maxBody = [](const QByteArray& method, const QString& path) -> qint64 {
        if (method == "POST" && (path == u"/api/tasks" || path == u"/api/tasks/"))
            return kMaxTaskBody;
        return rest::kMaxBody;
    };
    return limits;
}

} // namespace

CrmServer::CrmServer(QObject* parent) : QObject(parent) {}

CrmServer::~CrmServer()
{
    // Sessions reference the hub and the hub references storage: tear down from the outside in.
    m_taskApi.reset();
    m_api.reset();
    m_tasks.reset();
    m_hub.reset();
    m_endpoint.reset();
    m_http.reset();
}

bool CrmServer::open(const CrmServerOptions& options, QString* error)
{
    m_options = options;
    QDir dir;
    if (!dir.mkpath(options.dataDir)) {
        *error = QStringLiteral("cannot create the data folder %1").arg(options.dataDir);
        return false;
    }
    // The folder holds the signing secret and the database: owner only.
    QFile::setPermissions(options.dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString target = options.database.isEmpty()
                               ? QDir(options.dataDir).filePath(QStringLiteral("crm.sqlite"))
                               : options.database;
    m_db = Database::open(target, error);
    if (!m_db)
        return false;
    const QByteArray secret = TokenService::loadOrCreateSecret(options.dataDir, error);
    if (secret.size() < 32)
        return false;
    m_users = std::make_unique<UserDirectory>(*m_db);
    m_accessLog = std::make_unique<AccessLog>(*m_db);
    m_tokens = std::make_unique<TokenService>(*m_db, secret, options.lifetimes);
    m_records = std::make_unique<RecordStore>(*m_db);
    m_log = std::make_unique<ChangeLog>(*m_db);
    m_mutations = std::make_unique<MutationService>(*m_db, *m_records, *m_log);
    m_taskStore = std::make_unique<TaskStore>(*m_db);
    m_pictures = std::make_unique<UserPictureStore>(*m_db);
    return true;
}

bool CrmServer::listen(QString* error)
{
    m_http = std::make_unique<QHttpServer>();
    m_endpoint = std::make_unique<SocketIoServer>(m_http.get(), m_options.socket);
    m_hub = std::make_unique<SyncHub>(SyncHub::Services{*m_endpoint, *m_tokens, *m_users, *m_log,
                                                        *m_mutations, *m_records, m_metrics},
                                      m_options.sync);
    m_api = std::make_unique<RestApi>(
        *m_http, RestApi::Services{*m_db, *m_users, *m_tokens, *m_records, *m_log, *m_mutations,
                                   *m_hub, *m_endpoint, m_metrics, *m_pictures});
    m_pictureApi = std::make_unique<PictureRestApi>(
        *m_http, PictureRestApi::Services{*m_tokens, *m_users, *m_pictures, *m_hub});
    m_tasks = std::make_unique<TaskRunner>(
        TaskRunner::Services{
            *m_db, *m_taskStore, *m_mutations, *m_records, *m_users,
            [hub = m_hub.get()](const ChangeEntry& change) { hub->broadcast(change); }},
        m_options.tasks);
    m_hub->setTaskRunner(m_tasks.get());
    m_hub->watchAccess(*m_accessLog);
    m_taskApi = std::make_unique<TaskRestApi>(*m_http,
                                              TaskRestApi::Services{*m_tasks, *m_tokens, *m_users});
    // Our own TCP server rather than QHttpServer::listen(): its sockets get the request guard
    // (size limits by the head) before QtHttpServer reads anything from them.
    std::unique_ptr<QTcpServer> tcp;
    if (!m_options.tlsCertificate.isEmpty() || !m_options.tlsKey.isEmpty()) {
        QFile certFile(m_options.tlsCertificate);
        QFile keyFile(m_options.tlsKey);
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the TLS certificate or key");
            return false;
        }
        const QSslCertificate certificate(&certFile, QSsl::Pem);
        const QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
        if (certificate.isNull() || key.isNull()) {
            *error = QStringLiteral("the TLS certificate or key is not valid PEM (RSA key)");
            return false;
        }
        // What QAbstractHttpServer::sslSetup() would have configured.
        QSslConfiguration tls;
        tls.setLocalCertificate(certificate);
        tls.setPrivateKey(key);
        tls.setProtocol(QSsl::SecureProtocols);
        auto server = std::make_unique<GuardedTcpServer<QSslServer>>(requestLimits());
        server->setSslConfiguration(tls);
        tcp = std::move(server);
    } else {
        tcp = std::make_unique<GuardedTcpServer<QTcpServer>>(requestLimits());
    }
    if (!tcp->listen(m_options.host, m_options.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(m_options.host.toString())
                     .arg(m_options.port)
                     .arg(tcp->errorString());
        return false;
    }
    m_port = tcp->serverPort();
    m_http->bind(tcp.release()); // the HTTP server owns it from here
    m_tasks->recover();
    return true;
}

} // namespace crm
