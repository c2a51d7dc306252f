#include "models/syncstatus.h"

#include "core/clientcore.h"
#include "core/localstore.h"
#include "models/modelslogging.h"

#include <cmath>

namespace crm {

SyncStatus::SyncStatus(ClientCore& core, QObject* parent)
    : QObject(parent), m_core(core), m_state(core.linkState()), m_detail(core.linkReason())
{
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &SyncStatus::changed);
    connect(&core, &ClientCore::linkChanged, this, &SyncStatus::onStateChanged);
    connect(&core, &ClientCore::latencyMeasured, this, [this](qint64 ms) {
        m_latencyMs = ms;
        emit changed();
    });
    connect(&core, &ClientCore::localStateChanged, this, &SyncStatus::refreshCounts);
    refreshCounts();
}

void SyncStatus::refreshCounts()
{
    LocalStore& store = m_core.store();
    const int pending = store.outbox().count();
    const int failed = store.problems().failureCount();
    const int conflicts = store.problems().conflictCount();
    if (pending == m_pending && failed == m_failed && conflicts == m_conflicts)
        return;
    m_pending = pending;
    m_failed = failed;
    m_conflicts = conflicts;
    emit changed();
}

void SyncStatus::onStateChanged(ConnectionState state, const QString& reason)
{
    qCDebug(lcSyncStatus) << connectionStateKey(state) << reason;
    m_state = state;
    m_detail = reason;
    if (state == ConnectionState::Reconnecting)
        m_countdown.start();
    else
        m_countdown.stop();
    emit changed();
}

SyncStatus::Level SyncStatus::level() const
{
    switch (m_state) {
    case ConnectionState::Online:
        return Level::Live;
    case ConnectionState::Connecting:
    case ConnectionState::Authenticating:
        return Level::Working;
    case ConnectionState::Reconnecting:
        return Level::Trouble;
    case ConnectionState::Offline:
        return Level::Offline;
    case ConnectionState::AuthRequired:
        return Level::ActionNeeded;
    }
    return Level::Offline;
}

int SyncStatus::attempt() const
{
    return m_core.reconnectAttempt();
}

int SyncStatus::secondsUntilRetry() const
{
    const qint64 ms = m_core.msUntilReconnect();
    return ms < 0 ? -1 : static_cast<int>(std::ceil(static_cast<double>(ms) / 1000.0));
}

bool SyncStatus::canReconnectNow() const
{
    return m_state == ConnectionState::Reconnecting || m_state == ConnectionState::Offline;
}

QString SyncStatus::stateName() const
{
    if (m_state == ConnectionState::Reconnecting)
        return tr("Reconnecting (attempt %1)").arg(attempt());
    return label();
}

QString SyncStatus::label() const
{
    QString state;
    switch (m_state) {
    case ConnectionState::Online:
        state = tr("Live");
        break;
    case ConnectionState::Connecting:
        state = tr("Connecting");
        break;
    case ConnectionState::Authenticating:
        state = tr("Signing in");
        break;
    case ConnectionState::Reconnecting: {
        const int seconds = secondsUntilRetry();
        state = seconds > 0 ? tr("Reconnecting in %1 s").arg(seconds) : tr("Reconnecting");
        break;
    }
    case ConnectionState::Offline:
        state = tr("Offline");
        break;
    case ConnectionState::AuthRequired:
        state = tr("Session expired");
        break;
    }
    // In every state, so that an agent never has to guess whether their work has left the
    // machine ("sending" while live, "waiting" otherwise) or came back needing them.
    QStringList parts{state};
    if (m_pending > 0)
        parts.append(m_state == ConnectionState::Online
                         ? tr("%n change(s) sending", nullptr, m_pending)
                         : tr("%n change(s) waiting", nullptr, m_pending));
    if (m_conflicts > 0)
        parts.append(tr("%n conflict(s) to resolve", nullptr, m_conflicts));
    if (m_failed > 0)
        parts.append(tr("%n change(s) refused", nullptr, m_failed));
    return parts.join(tr(" - ", "between the parts of the connection badge"));
}

QString SyncStatus::detail() const
{
    // The attempt number is for whoever looks closer; the label stays short.
    if (m_state == ConnectionState::Reconnecting && attempt() > 0)
        return tr("%1 (attempt %2)").arg(m_detail).arg(attempt());
    return m_detail;
}

void SyncStatus::reconnectNow()
{
    m_core.reconnectNow();
}

} // namespace crm
