#pragma once

#include "protocol/changeevent.h"

#include <optional>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace crm {

class StoreDatabase;

// The server-confirmed copy of every record the user may see (the records table), and the seq
// it was brought up to. Part of the LocalStore, on its connection; each method that changes state
// commits before it returns. A module that has been listed is also kept in memory, tombstones
// included, so applying a change reads nothing from disk.
class RecordCache
{
public:
    struct Record
    {
        QString module;
        QString id;
        QJsonObject fields;
        qint64 version = 0;
        QString teamId;
        QString ownerId;
        QStringList masked;
        bool deleted = false;
    };
    // What applying one event did: the fields it changed, and the values they had before (for
    // the activity feed; empty when the event was older than what we had).
    struct Applied
    {
        bool changed = false; // false: the event was not newer than what we had
        QStringList fields;
        QJsonObject previous;
        Record record; // the confirmed state after the event (deleted set for a delete)
        // An update of a record this profile did not have: only the changed fields are known,
        // so the full record must be fetched (SyncEngine does).
        bool incomplete = false;
    };

    explicit RecordCache(StoreDatabase& db) : m_db(db) {}
    RecordCache(const RecordCache&) = delete;
    RecordCache& operator=(const RecordCache&) = delete;

    qint64 lastSeq();
    // After a REST bootstrap: the seq the pages were read at.
    bool setLastSeq(qint64 seq);

    // Confirmed state from a REST page (bootstrap): replaces what is there for that record.
    bool storeRecord(const Record& record);
    // Bootstrap pages in one transaction.
    bool storeRecords(const QList<Record>& records);
    // Applies one change event (docs/protocol.md 5.2) and advances the last seq, in one
    // transaction. Events at or below the record's version change nothing (a repeat is
    // harmless). Returns the fields that changed, or nullopt on a storage error.
    std::optional<QStringList> applyChange(const ChangeEvent& event);
    // The same for a batch (a replay page), in one transaction; one entry per event.
    std::optional<QList<Applied>> applyChanges(const QList<ChangeEvent>& events);
    // Forgets the confirmed copy (re-bootstrap); the outbox, conflicts and failures stay.
    bool clearConfirmed();

    std::optional<Record> record(const QString& module, const QString& id);
    // The live (not deleted) records of a module, in the order they arrived. From then on the
    // module's records are also kept in memory, so applying a change reads nothing from disk
    // (the field objects are shared with whoever holds them, so this costs little).
    QList<Record> records(const QString& module);

private:
    bool writeRecord(const Record& record);
    // Updates the in-memory copy of a module that has one; called after the write committed.
    void remember(const Record& record);

    StoreDatabase& m_db;
    // module -> id -> confirmed record (tombstones included), for modules records() has read.
    // This process is the profile's only writer of the confirmed copy.
    QHash<QString, QHash<QString, Record>> m_cache;
};

} // namespace crm
