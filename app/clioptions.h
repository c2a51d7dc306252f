#pragma once

#include <functional>
#include <QString>
#include <QUrl>

namespace crm {

// crm-cli task's own options.
struct TaskCliOptions
{
    QString module;
    QString file;
    QString title;
    bool merge = false;
    bool shared = false;
    bool wait = false;
    bool report = false; // output: the report instead of the output file
    QString progress;
    QString step;
    QString done;
    QString total;
    QString status;
    QString error;
    QString result;
};

// What crm-cli's command line says, for every command.
struct CliOptions
{
    QUrl server;
    QString profileDir;
    // Called when a command goes online: fills the access token, or returns the exit status
    // to stop with (2 not signed in / refused, 3 unreachable, 5 keychain trouble).
    std::function<int(QString* token)> obtainToken;
    int timeoutSec = 10;
    bool offline = false;
    bool json = false;
    bool noKeychain = false; // login: keep the sign-in in a 0600 file instead of the keychain
    QString where;           // list: field=value
    bool mine = false;       // resolve --mine
    bool theirs = false;     // resolve --theirs
    QString rawAuth;         // raw: CONNECT auth JSON
    QString rawEmit;         // raw: event name to emit
    QString rawData;         // raw: JSON argument of the emit
    TaskCliOptions task;
};

} // namespace crm
