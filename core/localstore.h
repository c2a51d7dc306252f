#pragma once

#include "core/outboxentry.h"
#include "protocol/changeevent.h"
#include "protocol/errorcode.h"

#include <functional>
#include <memory>
#include <optional>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

namespace crm {

class WalCheckpointer;

// The account profile's own database (SQLite, WAL): the server-confirmed copy of every record
// the user may see, the last applied seq, the durable outbox, open conflicts and failed edits.
// Everything the app shows at start-up comes from here, before the network answers. Each
// method that changes state commits before it returns: when enqueue() returns, the edit
// survives a crash.
class LocalStore
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

    ~LocalStore();
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;

    // Null, with the reason, when the file cannot be opened or migrated.
    static std::unique_ptr<LocalStore> open(const QString& path, QString* error);
    // The store of an account profile: the folder is made owner-only (it holds the agent's
    // records and possibly a credentials file) and the store is its local.sqlite.
    static std::unique_ptr<LocalStore> openProfile(const QString& profileDir, QString* error);

    int schemaVersion() const { return m_schemaVersion; }
    // A stable id for this profile, made on first open: the server's exactly-once key.
    QString clientId() const { return m_clientId; }
    qint64 lastSeq();

    // Confirmed state from a REST page (bootstrap): replaces what is there for that record.
    bool storeRecord(const Record& record);
    // Applies one change event (docs/protocol.md 5.2) and advances the last seq, in one
    // transaction. Events at or below the record's version change nothing (a repeat is
    // harmless). Returns the fields that changed, or nullopt on a storage error.
    std::optional<QStringList> applyChange(const ChangeEvent& event);
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
    // The same for a batch (a replay page), in one transaction; one entry per event.
    std::optional<QList<Applied>> applyChanges(const QList<ChangeEvent>& events);
    // Bootstrap pages in one transaction.
    bool storeRecords(const QList<Record>& records);
    // After a REST bootstrap: the seq the pages were read at.
    bool setLastSeq(qint64 seq);
    // Forgets the confirmed copy (re-bootstrap); the outbox, conflicts and failures stay.
    bool clearConfirmed();

    // Small named values of the profile (the last seq, the team's directory, ...).
    QString metaValue(const QString& key);
    bool setMetaValue(const QString& key, const QString& value);

    std::optional<Record> record(const QString& module, const QString& id);
    // The live (not deleted) records of a module, in the order they arrived. From then on the
    // module's records are also kept in memory, so applying a change reads nothing from disk
    // (the field objects are shared with whoever holds them, so this costs little).
    QList<Record> records(const QString& module);

    // Writes a new edit to the outbox with the next mutation id and commits.
    std::optional<OutboxEntry> enqueue(const QString& module, const QString& recordId,
                                       const QString& op, std::optional<qint64> baseVersion,
                                       const QJsonObject& fields);
    // The queued edits in mutation-id order; the first `limit` only when it is positive.
    QList<OutboxEntry> outbox(int limit = -1);
    // The queued edits of one record, oldest first (uses the (module, record) index).
    QList<OutboxEntry> outboxOf(const QString& module, const QString& recordId);
    bool hasFailure(const QString& module, const QString& recordId);
    // Why the record may not be edited here: the server's reason for the newest refusal that
    // was about permission (forbidden, forbidden_field, not_found), or empty.
    QString permissionRefusal(const QString& module, const QString& recordId);
    static bool isPermissionRefusal(const QString& code)
    {
        return isPermissionError(errorCodeFromName(code));
    }
    // Counts for the sync badge.
    int outboxCount();
    int failureCount();
    int conflictCount();
    bool hasConflict(const QString& module, const QString& recordId);
    bool noteAttempt(qint64 mutationId);
    // The server applied it (or said duplicate): it leaves the outbox.
    bool complete(qint64 mutationId);
    bool fail(qint64 mutationId, const QString& code, const QString& message);
    bool conflict(qint64 mutationId, const QString& kind, const QJsonObject& detail);
    QList<FailedEntry> failures();
    QList<ConflictEntry> conflicts();
    bool discardFailure(qint64 mutationId);
    bool resolveConflict(qint64 conflictId);

private:
    LocalStore(QSqlDatabase db, QString connectionName);
    bool migrate(QString* error);
    // Runs a statement from the connection's prepared-statement cache; null on failure (logged).
    QSqlQuery* run(const QString& sql, const QVariantList& binds = {});
    bool beginWrite();
    // Runs a query and hands each row to row() until it returns false; then ends the read.
    bool select(const QString& sql, const QVariantList& binds,
                const std::function<bool(const QSqlQuery&)>& row);
    int count(const QString& sql, const QVariantList& binds);
    std::optional<OutboxEntry> takeFromOutbox(qint64 mutationId);
    bool writeRecord(const Record& record);
    // Updates the in-memory copy of a module that has one; called after the write committed.
    void remember(const Record& record);

    QSqlDatabase m_db;
    QHash<QString, QSqlQuery> m_statements; // SQL text -> prepared statement
    // module -> id -> confirmed record (tombstones included), for modules records() has read.
    // This process is the profile's only writer of the confirmed copy.
    QHash<QString, QHash<QString, Record>> m_cache;
    QString m_connectionName;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // none for an in-memory store
    QString m_clientId;
    int m_schemaVersion = 0;
};

} // namespace crm
