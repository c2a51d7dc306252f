#pragma once

#include <QStringList>
#include <QUrl>

namespace crm {

// crm-cli's record commands over a profile's local store: list, get, create, set, delete, sync,
// pending, conflicts, dump. Edits land in the outbox first (exit 0 once durable), then are sent
// unless --offline.
struct RecordCommandOptions
{
    QUrl server;
    QString token;
    QString profileDir;
    int timeoutSec = 10;
    bool offline = false;
    bool json = false;
    QString where;       // list: field=value
    bool mine = false;   // resolve --mine
    bool theirs = false; // resolve --theirs
};

// Exit status: 0 ok / all clear, 1 usage, 2 credentials refused, 3 unreachable,
// 4 conflicts or failures remain, 5 local storage error.
int runRecordCommand(const QStringList& args, const RecordCommandOptions& options);

} // namespace crm
