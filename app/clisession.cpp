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
    if (m_core)
        m_core->rest().setBearerToken(token);
}

bool CliSession::open(QString* error)
{
    ConnectionConfig config;
    config.serverUrl = m_server;
    config.watchNetwork = false;
    config.detectResume = false;
    m_core = ClientCore::open(config, m_profileDir, error);
    if (!m_core)
        return false;
    m_core->setTokenSource([this] { return m_token; });
    m_core->setChecksValues(false); // the server decides; its refusal is exit status 6
    return true;
}

CliSession::SyncResult CliSession::sync(int timeoutSec, QString* why,
                                        const std::function<void()>& onceCaughtUp)
{
    bool caughtUp = false;
    const auto connection = QObject::connect(m_core.get(), &ClientCore::caughtUp, m_core.get(),
                                             [&caughtUp, &onceCaughtUp] {
                                                 if (!caughtUp && onceCaughtUp)
                                                     onceCaughtUp();
                                                 caughtUp = true;
                                             });
    const auto disconnect = qScopeGuard([&] { QObject::disconnect(connection); });
    m_core->start();
    QElapsedTimer timer;
    timer.start();
    SyncResult result = SyncResult::Unreachable;
    while (timer.elapsed() < timeoutSec * 1000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (m_core->connection().state() == ConnectionState::AuthRequired) {
            *why = m_core->connection().reason();
            result = SyncResult::AuthRefused;
            break;
        }
        if (caughtUp && m_core->engine().inFlightCount() == 0 &&
            m_core->store().outbox().count() == 0) {
            result = m_core->store().problems().failureCount() +
                                 m_core->store().problems().conflictCount() >
                             0
                         ? SyncResult::Attention
                         : SyncResult::Clear;
            break;
        }
    }
    if (result == SyncResult::Unreachable)
        *why = m_core->connection().lastError().isEmpty()
                   ? QCoreApplication::translate("crm-cli", "timed out")
                   : m_core->connection().lastError();
    m_core->connection().stop();
    return result;
}

} // namespace crm
