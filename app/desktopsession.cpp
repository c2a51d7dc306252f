#include "app/desktopsession.h"

#include "app/sessionrenewer.h"
#include "protocol/recordschema.h"

#include <QStandardPaths>

namespace crm {

DesktopSession::DesktopSession(const QUrl& server, const QString& profileDir, QObject* parent)
    : QObject(parent), m_server(server), m_profileDir(profileDir), m_account(server, profileDir)
{}

DesktopSession::~DesktopSession()
{
    if (m_core)
        m_core->stop();
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
    ConnectionConfig config;
    config.serverUrl = m_server;
    m_core = ClientCore::open(config, m_profileDir, error);
    if (!m_core)
        return false;
    m_core->setTokenSource(
        [this] { return m_fixedToken.isEmpty() ? m_account.currentAccessToken() : m_fixedToken; });
    ClientCore& core = *m_core;
    m_status = std::make_unique<SyncStatus>(core);
    m_presence = std::make_unique<PresenceStore>(core);
    m_activity = std::make_unique<ActivityModel>(core);
    m_notifications = std::make_unique<NotificationModel>(core);
    m_notifications->setUserId(m_account.user().value(QStringLiteral("id")).toString());
    m_conflicts = std::make_unique<ConflictModel>(core);
    m_failures = std::make_unique<FailureModel>(core);
    m_users = std::make_unique<UserDirectoryModel>(core);
    m_notifications->setUserDirectory(m_users.get()); // "assigned agent: you → ben"
    m_pictures = std::make_unique<UserPictureCache>(core, *m_users);
    m_presence->setPictures(m_pictures.get());
    m_serverInfo = std::make_unique<ServerInfo>(core);
    m_tasks = std::make_unique<TaskListModel>(core);
    for (const auto& module : RecordSchema::instance().modules())
        m_tables.append(new RecordTableModel(core, module.name, this));
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
    m_core->rest().setBearerToken(accessToken);
    if (m_fixedToken.isEmpty() && !m_renewer) {
        m_renewer = std::make_unique<SessionRenewer>(m_account, m_core->connection());
        connect(m_renewer.get(), &SessionRenewer::sessionEnded, this,
                &DesktopSession::signInNeeded);
    }
    // Who "me" is (notifications, "who else views this"): known once the server has answered.
    m_core->rest().get(QStringLiteral("/api/me"), [this](const RestReply& reply) {
        if (!reply.ok())
            return;
        const QJsonObject user = reply.body.toObject();
        m_notifications->setUserId(user.value(QStringLiteral("id")).toString());
        emit userKnown(user);
    });
    m_core->start();
}

void DesktopSession::goOffline()
{
    m_core->stop();
}

} // namespace crm
