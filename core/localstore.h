#pragma once

#include "core/notestore.h"
#include "core/outbox.h"
#include "core/outboxentry.h"
#include "core/problemlog.h"
#include "core/recordcache.h"

#include <memory>
#include <QString>

namespace crm {

class StoreDatabase;

// The account profile's own database (SQLite, WAL): the server-confirmed copy of every record
// the user may see and the last applied seq (cache()), the durable outbox (outbox()), failed
// edits and open conflicts (problems()), and a few named values (metaValue()). Everything the app
// shows at start-up comes from here, before the network answers. Each method that changes state
// commits before it returns: when outbox().enqueue() returns, the edit survives a crash.
//
// The three parts share this store's one connection and prepared-statement cache
// (StoreDatabase), so a transaction can span them (a failure leaves the outbox in the same
// transaction that files it); they live as long as the store.
class LocalStore
{
public:
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

    // Small named values of the profile (the last seq, the team's directory, ...).
    QString metaValue(const QString& key);
    bool setMetaValue(const QString& key, const QString& value);

    // The confirmed copy of the records, and the last seq.
    RecordCache& cache() { return m_cache; }
    // The agent's edits waiting for the server.
    Outbox& outbox() { return m_outbox; }
    // Failed edits and open conflicts.
    ProblemLog& problems() { return m_problems; }
    // The notes opened here, with their unsent edits.
    NoteStore& notes() { return m_notes; }

private:
    explicit LocalStore(std::unique_ptr<StoreDatabase> db);
    bool migrate(QString* error);

    // Declared first: the parts hold references to it, so it is made before and goes after them.
    std::unique_ptr<StoreDatabase> m_db;
    RecordCache m_cache;
    Outbox m_outbox;
    ProblemLog m_problems;
    NoteStore m_notes;
    QString m_clientId;
    int m_schemaVersion = 0;
};

} // namespace crm
