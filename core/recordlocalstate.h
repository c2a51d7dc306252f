#pragma once

#include "core/localstore.h"

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

// What this profile holds of one record besides the server's word: its queued edits merged in
// order (the overlay), whether one of them was refused or met someone else's change, and the
// confirmed copy as it is now. The core works it out once per change and hands it to the
// module's models, which never read the store for it.
struct RecordLocalState
{
    QString module;
    QString id;
    QJsonObject overlay;
    bool pendingCreate = false;
    bool pendingDelete = false;
    bool failed = false;
    bool conflict = false;
    // The server refused an edit of it for lack of permission: why, in its words.
    QString readOnlyReason;
    std::optional<RecordCache::Record> confirmed; // none: not in the confirmed copy

    // Lays one queued edit over what the earlier ones made.
    void addQueued(const OutboxEntry& entry)
    {
        pendingCreate = pendingCreate || entry.op == Operation::Create;
        pendingDelete = pendingDelete || entry.op == Operation::Delete;
        for (auto it = entry.fields.begin(); it != entry.fields.end(); ++it)
            overlay.insert(it.key(), it.value());
    }
};

} // namespace crm
