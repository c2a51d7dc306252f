#include "app/clisession.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QScopeGuard>

namespace crm {

CliSession::CliSession(const QUrl& server, const QString& profileDir)
    : m_server(server), m_profileDir(profileDir)
{}

void CliSession::setToken(const QString& token)
{
    m_token = token;
    if (m_rest)
        m_rest->setBearerToken(token);
}

bool CliSession::open(QString* error)
{
    m_store = LocalStore::openProfile(m_profileDir, error);
    if (!m_store)
        return false;
    ConnectionConfig config;
    config.serverUrl = m_server;
    config.watchNetwork = false;
    config.detectResume = false;
    m_connection = std::make_unique<ConnectionManager>(config);
    m_rest = std::make_unique<RestClient>();
    m_rest->setBaseUrl(m_server);
    m_rest->setBearerToken(m_token);
    m_engine = std::make_unique<SyncEngine>(*m_store, *m_connection, *m_rest);
    m_connection->setAuthProvider([this] { return m_engine->authPayload(m_token); });
    return true;
}

CliSession::SyncResult CliSession::sync(int timeoutSec, QString* why,
                                        const std::function<void()>& onceCaughtUp)
{
    bool caughtUp = false;
    const auto connection = QObject::connect(m_engine.get(), &SyncEngine::caughtUp, m_engine.get(),
                                             [&caughtUp, &onceCaughtUp] {
                                                 if (!caughtUp && onceCaughtUp)
                                                     onceCaughtUp();
                                                 caughtUp = true;
                                             });
    const auto disconnect = qScopeGuard([&] { QObject::disconnect(connection); });
    m_connection->start();
    QElapsedTimer timer;
    timer.start();
    SyncResult result = SyncResult::Unreachable;
    while (timer.elapsed() < timeoutSec * 1000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (m_connection->state() == ConnectionState::AuthRequired) {
            *why = m_connection->reason();
            result = SyncResult::AuthRefused;
            break;
        }
        if (caughtUp && m_engine->inFlightCount() == 0 && m_store->outboxCount() == 0) {
            result = m_store->failureCount() + m_store->conflictCount() > 0 ? SyncResult::Attention
                                                                            : SyncResult::Clear;
            break;
        }
    }
    if (result == SyncResult::Unreachable)
        *why = m_connection->lastError().isEmpty()
                   ? QCoreApplication::translate("crm-cli", "timed out")
                   : m_connection->lastError();
    m_connection->stop();
    return result;
}

} // namespace crm
