#include "server/sync/changereplay.h"

#include "protocol/eventnames.h"
#include "protocol/recordschema.h"
#include "server/socketio/socketioserversession.h"
#include "server/storage/changelog.h"
#include "server/sync/synclogging.h"

#include <cmath>
#include <QJsonArray>

namespace crm {

qint64 ChangeReplay::catchUp(SocketIoServerSession* session, const Identity& identity,
                             const QJsonValue& since)
{
    const qint64 last = m_log.lastSeq(identity.brokerageId);
    // Without a `since` the client has nothing to catch up on: it only learns the current seq.
    qint64 cursor = last;
    QString unusable;
    if (!since.isUndefined() && !since.isNull()) {
        // Compared as a double: 1e300 or 2^53 + 1 must not wrap or saturate into a valid seq.
        const double seq = since.toDouble(-1);
        if (!since.isDouble() || seq < 0 || seq != std::floor(seq))
            unusable = QStringLiteral("invalid_since"); // no seq at all: the copy is suspect
        else if (seq > static_cast<double>(last))
            unusable = QStringLiteral("ahead"); // a future this log never had (restored backup)
        else
            cursor = static_cast<qint64>(seq);
    }
    if (!unusable.isEmpty()) {
        // Such a copy cannot be patched, only rebuilt over REST.
        session->emitEvent(
            QString(events::SyncRebootstrap),
            {QJsonObject{{QStringLiteral("seq"), last}, {QStringLiteral("reason"), unusable}}});
        return last;
    }
    qint64 delivered = 0;
    while (cursor < last) {
        const auto batch = m_log.since(identity.brokerageId, cursor, kBatch);
        if (batch.isEmpty())
            break;
        ChangePage page;
        page.fromSeq = cursor;
        const qint64 before = cursor;
        for (const auto& change : batch) {
            // Committed (by another node) after `last` was read: the live stream brings it.
            if (change.seq > last)
                break;
            cursor = change.seq;
            const ModuleSpec* spec = RecordSchema::instance().module(change.module);
            if (!spec || !change.isVisibleTo(identity))
                continue;
            ChangeEvent event = change.toEvent(identity, *spec);
            event.event = change.eventName(*spec);
            page.changes.append(std::move(event));
        }
        if (cursor == before)
            break;
        page.toSeq = cursor;
        delivered += page.changes.size();
        if (!page.changes.isEmpty())
            session->emitEvent(QString(events::SyncChanges), {page.toJson()});
    }
    qCDebug(lcSync) << "replayed" << delivered << "changes after" << since << "to"
                    << identity.userId;
    // The scope the stream was filtered for: a client whose copy was built for another team
    // or role reloads it (docs/protocol.md 5.2).
    session->emitEvent(
        QString(events::SyncCaughtUp),
        {QJsonObject{{QStringLiteral("seq"), last},
                     {QStringLiteral("scope"),
                      QJsonObject{{QStringLiteral("teamId"), identity.teamId},
                                  {QStringLiteral("role"), Identity::roleName(identity.role)}}}}});
    return last;
}

} // namespace crm
