#pragma once

#include "core/outboxentry.h"
#include "protocol/errorcode.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace crm {

class Outbox;
class StoreDatabase;

// The edits that came back without being applied, kept until the agent acts: failures (the
// server refused for good: validation, permission; the failed table) and conflicts (someone
// else's change met this edit; the conflicts table). Part of the LocalStore, on its connection;
// each method that changes state commits before it returns. An entry moves here from the Outbox
// in one transaction, so it is never in both places, nor in neither.
class ProblemLog
{
public:
    ProblemLog(StoreDatabase& db, Outbox& outbox) : m_db(db), m_outbox(outbox) {}
    ProblemLog(const ProblemLog&) = delete;
    ProblemLog& operator=(const ProblemLog&) = delete;

    // Moves an outbox entry to the failures with the server's code and message.
    bool fail(qint64 mutationId, const QString& code, const QString& message);
    // Moves an outbox entry to the conflicts with what the server said (base / mine / theirs).
    bool conflict(qint64 mutationId, ConflictKind kind, const QJsonObject& detail);
    QList<FailedEntry> failures();
    QList<ConflictEntry> conflicts();
    // False when there was no such failure / conflict (or the delete failed).
    bool discardFailure(qint64 mutationId);
    bool resolveConflict(qint64 conflictId);

    bool hasFailure(const QString& module, const QString& recordId);
    bool hasConflict(const QString& module, const QString& recordId);
    // Why the record may not be edited here: the server's reason for the newest refusal that
    // was about permission (forbidden, forbidden_field, not_found), or empty.
    QString permissionRefusal(const QString& module, const QString& recordId);
    static bool isPermissionRefusal(const QString& code)
    {
        return isPermissionError(errorCodeFromName(code));
    }
    // Counts for the sync badge.
    int failureCount();
    int conflictCount();

private:
    StoreDatabase& m_db;
    Outbox& m_outbox;
};

} // namespace crm
