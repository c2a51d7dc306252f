#include "app/sessionrenewer.h"

#include "app/accountsession.h"
#include "protocol/eventnames.h"
#include "realtime/connectionmanager.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRenewer, "crm.app.renewer")

namespace crm {

namespace {

constexpr qint64 kAheadSec = 60;
constexpr qint64 kRetrySec = 30; // after a refresh that could not reach the server

} // namespace

SessionRenewer::SessionRenewer(AccountSession& session, ConnectionManager& connection,
                               QObject* parent)
    : QObject(parent), m_session(session), m_connection(connection)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { renew(false); });
    connect(&connection, &ConnectionManager::connectErrorReceived, this,
            [this](const QString&, const QJsonObject& data) {
                if (data.value(QStringLiteral("code")).toString() == QStringLiteral("auth_expired"))
                    renew(true);
            });
    // The connection stops by itself (AuthRequired); no refresh could bring this session back.
    connect(&connection, &ConnectionManager::eventReceived, this,
            [this](const QString& event, const QJsonArray& args) {
                if (event == events::AuthRevoked)
                    end(args.first().toObject().value(QStringLiteral("message")).toString());
            });
    schedule();
}

void SessionRenewer::end(const QString& reason)
{
    if (m_ended)
        return;
    m_ended = true;
    m_timer.stop();
    qCWarning(lcRenewer) << "session ended:" << reason;
    emit sessionEnded(reason);
}

void SessionRenewer::schedule()
{
    if (m_ended)
        return;
    const qint64 left = m_session.accessExpiresAt() - QDateTime::currentSecsSinceEpoch();
    m_timer.start(std::chrono::seconds(std::max<qint64>(1, left - kAheadSec)));
}

void SessionRenewer::renew(bool reconnectAfter)
{
    if (m_renewing || m_ended)
        return;
    m_renewing = true;
    m_session.refresh([this, reconnectAfter](const AccountSession::Outcome& outcome) {
        m_renewing = false;
        if (outcome.ok()) {
            schedule();
            // Also when the connection gave up on an older token (it stops retrying then),
            // e.g. the app started while the server was down.
            if (reconnectAfter || m_connection.state() == ConnectionState::AuthRequired)
                m_connection.reconnectNow();
            return;
        }
        if (outcome.failure == AccountSession::Failure::Unreachable) {
            qCInfo(lcRenewer) << "refresh failed, trying again:" << outcome.error;
            m_timer.start(std::chrono::seconds(kRetrySec));
            return;
        }
        end(outcome.error);
    });
}

} // namespace crm
