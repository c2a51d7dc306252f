#pragma once

#include "protocol/connectionstate.h"

#include <QObject>
#include <QTimer>

namespace crm {

class ClientCore;

// What the connection badge shows, in words a user reads: "Live", "Reconnecting in 4 s",
// "Offline", "Session expired", each followed by the changes not yet sent ("Offline - 2 changes
// waiting", "Live - 3 changes sending"). Widgets bind to this, never to the core.
class SyncStatus : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString label READ label NOTIFY changed)
    Q_PROPERTY(QString detail READ detail NOTIFY changed)
    Q_PROPERTY(Level level READ level NOTIFY changed)
public:
    // Drives the badge's colour.
    enum class Level
    {
        Live,
        Working,
        Trouble,
        Offline,
        ActionNeeded
    };
    Q_ENUM(Level)

    explicit SyncStatus(ClientCore& core, QObject* parent = nullptr);

    // What waits to be sent, what failed and what conflicts.
    int pendingCount() const { return m_pending; }
    int failedCount() const { return m_failed; }
    int conflictCount() const { return m_conflicts; }

    ConnectionState state() const { return m_state; }
    Level level() const;
    // Short text for the badge, with a live countdown while a retry waits and the number of
    // changes not yet sent in every state.
    QString label() const;
    // The same without the countdown, for logs and history that must not go stale.
    QString stateName() const;
    // Why the link is in this state (and the attempt number while reconnecting).
    QString detail() const;
    int attempt() const;
    int secondsUntilRetry() const;
    qint64 latencyMs() const { return m_latencyMs; }
    bool canReconnectNow() const;

public slots:
    void reconnectNow();

signals:
    void changed();

private:
    void onStateChanged(ConnectionState state, const QString& reason);

    ClientCore& m_core;
    ConnectionState m_state = ConnectionState::Offline;
    QString m_detail;
    qint64 m_latencyMs = -1;
    int m_pending = 0;
    int m_failed = 0;
    int m_conflicts = 0;
    void refreshCounts();
    QTimer m_countdown; // refreshes "in N s" once a second while a retry waits
};

} // namespace crm
