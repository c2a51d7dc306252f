#pragma once

#include <QObject>
#include <QTimer>

namespace crm {

class AccountSession;
class ConnectionManager;

// Keeps a connection's access token fresh. The connection asks its auth provider at every
// attempt, so the token is refreshed a minute before it expires; if the server still answers
// auth_expired (a clock that is off, a sleeping laptop), it refreshes and reconnects at once.
// A refused refresh ends the session: nothing queued is lost, the agent signs in again. So does
// the server's auth:revoked (account disabled, signed out elsewhere), at once and with its words.
class SessionRenewer : public QObject
{
    Q_OBJECT
public:
    SessionRenewer(AccountSession& session, ConnectionManager& connection,
                   QObject* parent = nullptr);

    // Plans the next refresh from the session's current token.
    void schedule();

signals:
    void sessionEnded(const QString& reason);

private:
    void renew(bool reconnectAfter);
    // Once: the refresh timer, a refresh in flight and a revocation may all end it.
    void end(const QString& reason);

    AccountSession& m_session;
    ConnectionManager& m_connection;
    QTimer m_timer;
    bool m_renewing = false;
    bool m_ended = false;
};

} // namespace crm
