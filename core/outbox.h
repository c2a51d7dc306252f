#pragma once

#include "core/outboxentry.h"

#include <optional>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace crm {

class StoreDatabase;

// The durable outbox: the agent's edits waiting for the server, in mutation-id order (the
// outbox table). Part of the LocalStore, on its connection; each method that changes state
// commits before it returns, and enqueue() also syncs, so a queued edit survives a power cut.
// Mutation ids are never reused, not even after the outbox emptied.
class Outbox
{
public:
    explicit Outbox(StoreDatabase& db) : m_db(db) {}
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Writes a new edit to the outbox with the next mutation id and commits.
    std::optional<OutboxEntry> enqueue(const QString& module, const QString& recordId, Operation op,
                                       std::optional<qint64> baseVersion,
                                       const QJsonObject& fields);
    // The queued edits in mutation-id order; the first `limit` only when it is positive.
    QList<OutboxEntry> entries(int limit = -1);
    // The queued edits of one record, oldest first (uses the (module, record) index).
    QList<OutboxEntry> entriesOf(const QString& module, const QString& recordId);
    // For the sync badge.
    int count();
    bool noteAttempt(qint64 mutationId);
    // The server applied it (or said duplicate): it leaves the outbox.
    bool complete(qint64 mutationId);
    // Reads an entry and deletes it from the outbox; nullopt when it is not there or the delete
    // failed. Commits nothing itself: ProblemLog calls it inside the transaction that files the
    // entry as a failure or a conflict, so the edit is never in neither place.
    std::optional<OutboxEntry> take(qint64 mutationId);

private:
    StoreDatabase& m_db;
};

} // namespace crm
