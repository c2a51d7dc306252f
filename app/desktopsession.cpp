#include "app/desktopsession.h"

#include "app/sessionrenewer.h"
#include "protocol/recordschema.h"

#include <QLoggingCategory>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcDesktopSession, "crm.app.session")

namespace crm {

DesktopSession::DesktopSession(const QUrl& server, const QString& profileDir, QObject* parent)
    : QObject(parent), m_server(server), m_profileDir(profileDir), m_account(server, profileDir)
{}

DesktopSession::~DesktopSession()
{
    if (m_connection)
        m_connection->stop();
}

QString DesktopSession::profileDirFor(const QUrl& server, const QString& email)
{
    // Readable folder names: "127.0.0.1_8787/alex_at_harbor.demo".
    QString account = email.toLower();
    account.replace(u'@', QStringLiteral("_at_"));
    for (QChar& c : account) {
        if (!c.isLetterOrNumber() && c != u'.' && c != u'_' && c != u'-')
            c = u'_';
    }
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/profiles/") + server.host() + u'_' +
           QString::number(server.port(server.scheme() == QStringLiteral("https") ? 443 : 80)) +
           u'/' + account;
}

bool DesktopSession::open(QString* error)
{
    m_store = LocalStore::openProfile(m_profileDir, error);
    if (!m_store)
        return false;
    ConnectionConfig config;
    config.serverUrl = m_server;
    m_connection = std::make_unique<ConnectionManager>(config);
    m_rest = std::make_unique<RestClient>();
    m_rest->setBaseUrl(m_server);
    m_engine = std::make_unique<SyncEngine>(*m_store, *m_connection, *m_rest);
    m_connection->setAuthProvider([this] {
        const QString token =
            m_fixedToken.isEmpty() ? m_account.currentAccessToken() : m_fixedToken;
        m_rest->setBearerToken(token);
        return m_engine->authPayload(token);
    });
    m_status = std::make_unique<SyncStatus>(m_connection.get());
    m_status->attachSync(m_store.get(), m_engine.get());
    m_presence = std::make_unique<PresenceStore>(*m_connection);
    m_activity = std::make_unique<ActivityModel>(*m_engine);
    m_notifications = std::make_unique<NotificationModel>(*m_store, *m_engine);
    m_notifications->setUserId(m_account.user().value(QStringLiteral("id")).toString());
    m_conflicts = std::make_unique<ConflictModel>(*m_store, *m_engine);
    m_resolver = std::make_unique<ConflictResolver>(*m_store, *m_engine);
    m_failures = std::make_unique<FailureModel>(*m_store, *m_engine);
    m_users = std::make_unique<UserDirectoryModel>(*m_store, *m_engine, *m_rest);
    m_notifications->setUserDirectory(m_users.get()); // "assigned agent: you → ben"
    m_pictures = std::make_unique<UserPictureCache>(*m_store, *m_rest, *m_users, *m_connection);
    m_presence->setPictures(m_pictures.get());
    m_serverInfo = std::make_unique<ServerInfo>(*m_connection, *m_rest);
    m_tasks = std::make_unique<TaskListModel>(*m_connection, *m_rest, m_store.get());
    for (const auto& module : RecordSchema::instance().modules())
        m_tables.append(new RecordTableModel(*m_store, *m_engine, module.name, this));
    qCInfo(lcDesktopSession) << "opened" << m_profileDir << "with" << m_store->outboxCount()
                             << "queued edits";
    return true;
}

RecordTableModel* DesktopSession::table(const QString& module) const
{
    for (auto* table : m_tables) {
        if (table->spec().name == module)
            return table;
    }
    return nullptr;
}

void DesktopSession::goOnline(const QString& accessToken)
{
    if (!accessToken.isEmpty()) {
        m_fixedToken = accessToken;
        return startWith(accessToken);
    }
    m_account.ensureAccessToken([this](const AccountSession::Outcome& outcome) {
        if (outcome.ok())
            return startWith(m_account.currentAccessToken());
        if (outcome.failure == AccountSession::Failure::Unreachable) {
            // The server is not there yet: the connection's own retries take over, and the
            // renewer refreshes once it answers.
            return startWith(m_account.currentAccessToken());
        }
        emit signInNeeded(outcome.error);
    });
}

void DesktopSession::startWith(const QString& accessToken)
{
    m_rest->setBearerToken(accessToken);
    if (m_fixedToken.isEmpty() && !m_renewer) {
        m_renewer = std::make_unique<SessionRenewer>(m_account, *m_connection);
        connect(m_renewer.get(), &SessionRenewer::sessionEnded, this,
                &DesktopSession::signInNeeded);
    }
    // Who "me" is (notifications, "who else views this"): known once the server has answered.
    m_rest->get(QStringLiteral("/api/me"), [this](const RestReply& reply) {
        if (!reply.ok())
            return;
        const QJsonObject user = reply.body.toObject();
        m_notifications->setUserId(user.value(QStringLiteral("id")).toString());
        emit userKnown(user);
    });
    m_connection->start();
}

void DesktopSession::goOffline()
{
    m_connection->stop();
}

} // namespace crm
