#include "server/crmserver.h"

#include "server/api/noterestapi.h"
#include "server/api/picturerestapi.h"
#include "server/api/restapi.h"
#include "server/api/resthelpers.h"
#include "server/api/taskrestapi.h"
#include "server/auth/passwordverifier.h"
#include "server/cluster/clusterbus.h"
#include "server/cluster/redisaddress.h"
#include "server/config/exitstatus.h"
#include "server/http/clientaddress.h"
#include "server/http/guardedtcpserver.h"
#include "server/http/httplogging.h"
#include "server/http/httprequestguard.h"
#include "server/http/tlsconfig.h"
#include "server/service/servicelogging.h"
#include "server/socketio/socketioserver.h"
#include "server/socketio/websocketcloser.h"
#include "server/storage/accesslog.h"
#include "server/storage/changelog.h"
#include "server/storage/database.h"
#include "server/storage/mutationservice.h"
#include "server/storage/notestore.h"
#include "server/storage/recordstore.h"
#include "server/storage/userdirectory.h"
#include "server/storage/userpicturestore.h"
#include "server/sync/notehub.h"
#include "server/sync/synchub.h"
#include "server/tasks/taskstore.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QMetaEnum>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTimer>

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
    // While the hub can still hand the changes on: who edited which notes, not yet recorded.
    if (m_notes)
        m_notes->finishActivity();
    // Sessions reference the hub and the hub references storage: tear down from the outside in.
    m_taskApi.reset();
    m_api.reset();
    m_passwords.reset(); // waits for checks in flight; their answers go nowhere
    m_tasks.reset();
    m_hub.reset();
    m_cluster.reset();
    m_endpoint.reset();
    m_http.reset();
    // The members go in reverse order: the metrics before the database that reports to them.
    if (m_db)
        m_db->setQueryObserver({});
}

bool CrmServer::open(const CrmServerOptions& options, QString* error)
{
    m_options = options;
    QDir dir;
    if (!dir.mkpath(options.dataDir)) {
        *error = QStringLiteral("cannot create the data folder %1").arg(options.dataDir);
        m_failureStatus = exitstatus::kCannotCreate;
        return false;
    }
    // The folder holds the signing secret and the database: owner only.
    QFile::setPermissions(options.dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString target = options.database.isEmpty()
                               ? QDir(options.dataDir).filePath(QStringLiteral("crm.sqlite"))
                               : options.database;
    Database::Failure failure = Database::Failure::None;
    m_db = Database::open(target, error, options.databasePassword, &failure);
    if (!m_db) {
        m_failureStatus = failure == Database::Failure::TooNew        ? exitstatus::kDataTooNew
                          : failure == Database::Failure::Unreachable ? exitstatus::kUnavailable
                                                                      : exitstatus::kFailure;
        return false;
    }
    const QByteArray secret = TokenService::loadOrCreateSecret(options.dataDir, error);
    if (secret.size() < 32) {
        m_failureStatus = exitstatus::kCannotCreate;
        return false;
    }
    m_users = std::make_unique<UserDirectory>(*m_db);
    m_accessLog = std::make_unique<AccessLog>(*m_db);
    m_tokens = std::make_unique<TokenService>(*m_db, secret, options.lifetimes);
    m_records = std::make_unique<RecordStore>(*m_db);
    m_log = std::make_unique<ChangeLog>(*m_db);
    m_mutations = std::make_unique<MutationService>(*m_db, *m_records, *m_log);
    m_taskStore = std::make_unique<TaskStore>(*m_db);
    m_pictures = std::make_unique<UserPictureStore>(*m_db);
    m_noteStore = std::make_unique<NoteStore>(*m_db);
    return true;
}

bool CrmServer::listen(QString* error)
{
    m_http = std::make_unique<QHttpServer>();
    m_options.socket.trustedProxies = m_options.trustedProxies;
    m_endpoint = std::make_unique<SocketIoServer>(m_http.get(), m_options.socket);
    m_hub = std::make_unique<SyncHub>(SyncHub::Services{*m_endpoint, *m_tokens, *m_users, *m_log,
                                                        *m_mutations, *m_records, m_metrics},
                                      m_options.sync);
    m_notes = std::make_unique<NoteHub>(
        *m_records, *m_noteStore, *m_mutations,
        [hub = m_hub.get()](const ChangeEntry& change) { hub->broadcast(change); });
    m_hub->setNotes(m_notes.get());
    if (!m_options.redis.isEmpty()) {
        const auto address = RedisAddress::parse(m_options.redis, error);
        if (!address || !m_db->isPostgres()) {
            if (address)
                *error = tr("redis: the nodes of a cluster share one PostgreSQL database, and "
                            "SQLite serves a single node only (drop --redis, or use --db "
                            "postgresql://...)");
            m_failureStatus = exitstatus::kConfig;
            return false;
        }
        m_cluster = std::make_unique<ClusterBus>(*address, ClusterBus::Options{});
        m_options.tasks.leaseNode = m_cluster->nodeId();
    }
    // The access log's REST half (sockets: SyncHub). Path only: a query could carry a secret.
    m_http->afterRequest([this](QHttpServerResponse&& response, const QHttpServerRequest& request) {
        m_metrics.httpRequest(request.url().path(), int(response.statusCode()),
                              HttpRequestGuard::secondsSinceLastRead());
        qCInfo(lcAccess).noquote()
            << ClientAddress::of(request.remoteAddress(),
                                 request.value(QByteArrayLiteral("X-Forwarded-For")),
                                 m_options.trustedProxies)
            << QString::fromLatin1(QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(
                                       int(request.method())))
                   .toUpper()
            << request.url().path() << int(response.statusCode()) << response.data().size()
            << "bytes";
        return std::move(response);
    });
    m_db->setQueryObserver([this](double seconds) { m_metrics.databaseQuery(seconds); });
    m_passwords = std::make_unique<PasswordVerifier>();
    m_api = std::make_unique<RestApi>(
        *m_http, RestApi::Services{*m_db, *m_users, *m_tokens, *m_records, *m_log, *m_mutations,
                                   *m_hub, *m_endpoint, m_metrics, *m_pictures, *m_passwords});
    m_pictureApi = std::make_unique<PictureRestApi>(
        *m_http, PictureRestApi::Services{*m_tokens, *m_users, *m_pictures, *m_hub});
    m_noteApi = std::make_unique<NoteRestApi>(*m_http,
                                              NoteRestApi::Services{*m_tokens, *m_users, *m_notes});
    m_tasks = std::make_unique<TaskRunner>(
        TaskRunner::Services{
            *m_db, *m_taskStore, *m_mutations, *m_records, *m_users,
            [hub = m_hub.get()](const ChangeEntry& change) { hub->broadcast(change); }},
        m_options.tasks);
    m_hub->setTaskRunner(m_tasks.get());
    m_api->setMetricsToken(m_options.metricsToken);
    m_api->setTrustedProxies(m_options.trustedProxies);
    m_api->setMetricsSnapshot([this] {
        ServerMetrics::Snapshot snapshot;
        snapshot.connections = m_endpoint->connectedCount();
        snapshot.tasksByStatus = m_taskStore->countByStatus();
        if (m_cluster) {
            const ChangeFeed& feed = m_hub->feed();
            snapshot.cluster = ServerMetrics::Snapshot::Cluster{
                m_cluster->isLive(),      m_cluster->peerCount(),     m_cluster->published(),
                m_cluster->heard(),       m_cluster->outages(),       feed.gapsFilled(),
                feed.duplicatesDropped(), feed.pollInterval().count()};
        }
        return snapshot;
    });
    // Rows processed, from each task's progress (stepsDone only grows within an attempt).
    connect(m_tasks.get(), &TaskRunner::taskChanged, this, [this](const AgentTask& task) {
        const QString key = task.id + u'#' + QString::number(task.attempt);
        const qint64 before = m_taskSteps.value(key);
        if (task.stepsDone > before)
            m_metrics.taskRows(task.kind, task.stepsDone - before);
        if (task.isFinal())
            m_taskSteps.remove(key);
        else
            m_taskSteps.insert(key, task.stepsDone);
    });
    m_hub->watchAccess(*m_accessLog);
    if (m_cluster) {
        m_hub->joinCluster(m_cluster.get());
        m_notes->joinCluster(m_cluster.get());
        shareSignIns();
        m_cluster->start();
    }
    m_taskApi = std::make_unique<TaskRestApi>(*m_http,
                                              TaskRestApi::Services{*m_tasks, *m_tokens, *m_users});
    // Our own TCP server rather than QHttpServer::listen(): its sockets get the request guard
    // (size limits by the head) before QtHttpServer reads anything from them.
    std::unique_ptr<QTcpServer> tcp;
    if (!m_options.tlsCertificate.isEmpty() || !m_options.tlsKey.isEmpty()) {
        const auto tls = TlsConfig::load(m_options.tlsCertificate, m_options.tlsKey, error);
        if (!tls) {
            m_failureStatus = exitstatus::kConfig;
            return false;
        }
        warnIfExpiring(*tls);
        auto server = std::make_unique<GuardedTcpServer<QSslServer>>(requestLimits());
        server->setSslConfiguration(*tls);
        tcp = std::move(server);
    } else {
        tcp = std::make_unique<GuardedTcpServer<QTcpServer>>(requestLimits());
    }
    if (!tcp->listen(m_options.host, m_options.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(m_options.host.toString())
                     .arg(m_options.port)
                     .arg(tcp->errorString());
        m_failureStatus = exitstatus::kUnavailable;
        return false;
    }
    m_port = tcp->serverPort();
    m_listener = tcp.get();
    m_http->bind(tcp.release()); // the HTTP server owns it from here
    m_tasks->recover();
    return true;
}

bool CrmServer::reloadTls(QString* error)
{
    auto* server = qobject_cast<QSslServer*>(m_listener);
    if (!server) {
        *error = QStringLiteral("the server does not serve TLS");
        return false;
    }
    const auto tls = TlsConfig::load(m_options.tlsCertificate, m_options.tlsKey, error);
    if (!tls)
        return false;
    warnIfExpiring(*tls);
    server->setSslConfiguration(*tls);
    qCInfo(lcService) << "TLS certificate reloaded:" << tls->localCertificate().subjectDisplayName()
                      << "until" << tls->localCertificate().expiryDate().toString(Qt::ISODate);
    return true;
}

void CrmServer::drain(std::function<void()> done)
{
    if (m_draining)
        return;
    m_draining = true;
    if (m_listener)
        m_listener->close(); // no new connection; those open keep going for now
    if (m_api)
        m_api->setDraining(true);
    if (m_tasks)
        m_tasks->stop();
    const qsizetype sockets = m_endpoint ? m_endpoint->connectedCount() : 0;
    qCInfo(lcService) << "draining:" << sockets << "sockets told to reconnect, at most"
                      << m_options.drainTimeout.count() << "s";
    if (m_endpoint)
        m_endpoint->closeAll(QStringLiteral("server shutting down"));
    // The goodbyes are in the sockets' buffers; give them a moment to reach the clients (the
    // closers delete themselves when their peer answers), never more than drainTimeout.
    auto deadline = std::make_shared<QDeadlineTimer>(m_options.drainTimeout);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, deadline, done, step = std::weak_ptr(poll)] {
        const bool quiet = !m_endpoint || WebSocketCloser::pending() == 0;
        if (quiet || deadline->hasExpired()) {
            qCInfo(lcService) << (quiet ? "drained" : "drain timed out: exiting anyway");
            return done();
        }
        QTimer::singleShot(50, this, [again = step.lock()] { (*again)(); });
    };
    (*poll)();
}

void CrmServer::warnIfExpiring(const QSslConfiguration& tls) const
{
    const QDateTime expiry = tls.localCertificate().expiryDate();
    if (expiry < QDateTime::currentDateTimeUtc())
        qCWarning(lcService) << "the TLS certificate EXPIRED on" << expiry.toString(Qt::ISODate)
                             << ": clients will refuse it until it is renewed (then SIGHUP)";
    else if (expiry < QDateTime::currentDateTimeUtc().addDays(14))
        qCWarning(lcService) << "the TLS certificate expires on" << expiry.toString(Qt::ISODate);
}

void CrmServer::shareSignIns()
{
    // Password guessing spread over the nodes is throttled as if on one: every node counts
    // every node's sign-ins (at most once, which is all a throttle needs).
    ClusterBus* bus = m_cluster.get();
    m_api->setLoginObserver([bus](const QString& email, const QString& address, bool ok) {
        bus->publish(BusMessage::Kind::SignIn, {{QStringLiteral("email"), email},
                                                {QStringLiteral("address"), address},
                                                {QStringLiteral("ok"), ok}});
    });
    connect(bus, &ClusterBus::heardFrom, this, [this](const BusMessage& message) {
        if (message.kind != BusMessage::Kind::SignIn)
            return;
        const QString email = message.body.value(QStringLiteral("email")).toString();
        if (message.body.value(QStringLiteral("ok")).toBool())
            m_api->loginThrottle().succeeded(email);
        else
            m_api->loginThrottle().failed(email,
                                          message.body.value(QStringLiteral("address")).toString());
    });
}

} // namespace crm
