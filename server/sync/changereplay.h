#pragma once

#include "server/storage/identity.h"

#include <QJsonValue>

namespace crm {

class ChangeLog;
class SocketIoServerSession;

// Brings a connecting client up to date from the change log (docs/protocol.md 5.2): the changes
// after its `since` that its user may see, in sync:changes pages, then sync:caught-up with the
// scope the stream was filtered for; or sync:rebootstrap when `since` cannot be used.
class ChangeReplay
{
public:
    // Log entries read per sync:changes page.
    static constexpr int kBatch = 200;

    explicit ChangeReplay(ChangeLog& log) : m_log(log) {}

    // Returns the seq the session's stream now stands at (what live delivery continues from).
    qint64 catchUp(SocketIoServerSession* session, const Identity& identity,
                   const QJsonValue& since);

private:
    ChangeLog& m_log;
};

} // namespace crm
