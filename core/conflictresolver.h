#pragma once

#include "core/outboxentry.h"

#include <optional>
#include <QJsonObject>

namespace crm {

class LocalStore;
class SyncEngine;

// Acts on the agent's choice for a conflict; the dialog only collects it. Every resolution that
// keeps something of mine becomes a new mutation on the record's current version (so it cannot
// conflict with the same change again), and the conflict is closed.
class ConflictResolver
{
public:
    ConflictResolver(LocalStore& store, SyncEngine& engine);

    // All my values of that edit win.
    std::optional<OutboxEntry> keepMine(qint64 conflictId);
    // Their values stay; my edit is dropped.
    bool takeTheirs(qint64 conflictId);
    // Field by field: `values` holds what the agent chose or typed for each field to change.
    std::optional<OutboxEntry> merge(qint64 conflictId, const QJsonObject& values);
    // The record was deleted by someone else: bring it back as a new record with its last known
    // values and my changes.
    std::optional<OutboxEntry> restoreWithMine(qint64 conflictId);
    // My delete met someone else's later change ("changed"): delete the record as it is now.
    // Keeping it is takeTheirs().
    std::optional<OutboxEntry> deleteAnyway(qint64 conflictId);

private:
    std::optional<OutboxEntry> resend(qint64 conflictId, const QJsonObject& values);
    // The conflict carried the record as it is now: it becomes the confirmed copy (when newer),
    // so the resolution is made on the current version.
    void adoptCurrent(const ConflictEntry& conflict);
    // Queues the edit that settles `conflict` (its record, or a new one for a restore), then
    // closes the conflict; the record's state is announced.
    std::optional<OutboxEntry> settle(const ConflictEntry& conflict, const QString& recordId,
                                      Operation op, const QJsonObject& fields);

    LocalStore& m_store;
    SyncEngine& m_engine;
};

} // namespace crm
