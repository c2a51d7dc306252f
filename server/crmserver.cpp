#include "server/crmserver.h"

#include "server/api/picturerestapi.h"
#include "server/api/restapi.h"
#include "server/api/taskrestapi.h"
#include "server/socketio/socketioserver.h"
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

namespace crm {

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
    m_taskApi = std::make_unique<TaskRestApi>(*m_http,
                                              TaskRestApi::Services{*m_tasks, *m_tokens, *m_users});
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
        m_http->sslSetup(certificate, key);
    }
    m_port = m_http->listen(m_options.host, m_options.port);
    if (m_port == 0) {
        *error = QStringLiteral("cannot listen on %1:%2")
                     .arg(m_options.host.toString())
                     .arg(m_options.port);
        return false;
    }
    m_tasks->recover();
    return true;
}

} // namespace crm
