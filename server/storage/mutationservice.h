#pragma once

#include "protocol/mutation.h"
#include "protocol/mutationresult.h"
#include "server/storage/changeentry.h"
#include "server/storage/identity.h"

#include <optional>
#include <QJsonObject>

namespace crm {

class ChangeLog;
class Database;
class RecordStore;
struct ModuleSpec;
struct StoredRecord;

// Applies mutations exactly once, field by field:
//  - every result is stored under (clientId, mutationId) in the change's transaction, so a
//    resend is answered "duplicate" with the original result and never applied twice, even when
//    a client pipelines edits of different records and their ids arrive out of order;
//  - permanent errors and conflicts are stored as results too: no client is stuck behind one;
//  - fields nobody else touched since baseVersion merge; a field changed by another client in
//    between is a conflict (base / mine / theirs / by) and nothing of that mutation is applied.
//    The client's own changes since its base never conflict, so its queued edits keep the base
//    the agent saw;
//  - a delete made on an old copy that someone else changed since is a conflict ("changed").
// Result "status": applied | duplicate | conflict | rejected | error (storage trouble: retry).
class MutationService
{
public:
    struct Outcome
    {
        MutationResult result;
        std::optional<ChangeEntry> change; // to fan out when something was committed
        // A resend's stored first answer that this build cannot read (a newer server wrote
        // it before a rollback): it goes back as it was stored, never as an error, or that
        // client's outbox would never drain.
        QJsonObject unreadOriginal;

        // The answer on the wire.
        QJsonObject toJson() const;
    };

    // Who writes: clients (sockets, REST, tasks acting for a person) never write a derived
    // field; the server itself does (the text of a record's notes).
    enum class Writer
    {
        Client,
        Server
    };

    MutationService(Database& db, RecordStore& records, ChangeLog& log);

    Outcome apply(const Identity& who, const Mutation& mutation, Writer writer = Writer::Client);
    // Several mutations of one client, in order, in one transaction: one commit (one fsync) for
    // a whole batch of an outbox. outcomes[i] answers mutations[i]. A storage error anywhere
    // (or a failed commit) rolls the whole batch back and answers "error" throughout, so a
    // later edit of a record never applies before an earlier one that failed.
    QList<Outcome> applyAll(const Identity& who, const QList<Mutation>& mutations);

private:
    // Each returns the result; a committed change is left in `change`.
    MutationResult create(const Identity& who, const Mutation& m, const ModuleSpec& spec,
                          std::optional<ChangeEntry>& change);
    MutationResult update(const Identity& who, const Mutation& m, const ModuleSpec& spec,
                          StoredRecord record, std::optional<ChangeEntry>& change);
    MutationResult remove(const Identity& who, const Mutation& m, const ModuleSpec& spec,
                          StoredRecord record, std::optional<ChangeEntry>& change);
    bool recordResult(const Identity& who, const Mutation& m, const MutationResult& result);
    // A version the record had (>= 1), or 0 when this client created it: an edit made while
    // its own create was still queued.
    // Nullopt when it cannot be told (a failed read).
    std::optional<bool> isValidBase(qint64 base, const StoredRecord& record, const Mutation& m);
    static MutationResult badBase(qint64 base);
    ChangeEntry newChange(const Identity& who, const Mutation& m, const StoredRecord& record,
                          const QString& kind);

    Database& m_db;
    RecordStore& m_records;
    ChangeLog& m_log;
};

} // namespace crm
