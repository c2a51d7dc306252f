#pragma once

#include "core/clientcore.h"

#include <functional>
#include <memory>
#include <QObject>

namespace crm {

// What crm-cli needs for one command: the account's client core, and a way to run it until the
// local copy has caught up and the outbox is sent.
class CliSession
{
public:
    CliSession(const QUrl& server, const QString& profileDir);

    bool open(QString* error);
    // The access token to connect with; asked for only when a command goes online.
    void setToken(const QString& token);
    ClientCore& core() { return *m_core; }
    LocalStore& store() { return m_core->store(); }

    enum class SyncResult
    {
        Clear,
        Attention,
        Unreachable,
        AuthRefused
    };
    // Connects, catches up, sends the outbox and waits for its answers, at most `timeoutSec`.
    // `onceCaughtUp` runs when the copy has caught up (a command's edit is made on the newest
    // version there is, not on what the profile had before it connected).
    SyncResult sync(int timeoutSec, QString* why, const std::function<void()>& onceCaughtUp = {});

private:
    QUrl m_server;
    QString m_token;
    QString m_profileDir;
    std::unique_ptr<ClientCore> m_core;
};

} // namespace crm
