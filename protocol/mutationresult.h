#pragma once

#include "protocol/actor.h"
#include "protocol/parsed.h"

#include <memory>
#include <optional>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

namespace crm {

// One field an edit and someone else's change both set (docs/protocol.md 5.3).
struct FieldConflict
{
    QString field;
    QJsonValue base;
    QJsonValue mine;
    QJsonValue theirs;
    Actor by;

    QJsonObject toJson() const;
    static FieldConflict fromJson(const QJsonObject& json);
    friend bool operator==(const FieldConflict&, const FieldConflict&) = default;
};

enum class ConflictKind
{
    Fields,  // fields someone else changed: `conflicts`
    Deleted, // the record was deleted: `mine` echoes the edit, `by` deleted it
    Changed, // a delete made on a version someone else changed since: `by`, `changedFields`
};

QString conflictKindName(ConflictKind kind);
std::optional<ConflictKind> conflictKindFromName(QStringView name);

// The answer to one mutation: the ack of `mutate`, or one entry of `mutate:batch`'s results.
// The server stores it as JSON under the mutation's id and answers a resend with it verbatim
// (inside `duplicate`), so toJson / fromJson round-trip exactly.
struct MutationResult
{
    enum class Status
    {
        Applied,   // committed: version, seq (none when nothing changed), record, deleted
        Duplicate, // processed before: `original` is the first answer
        Conflict,  // nothing applied: kind and its details, the current record and version
        Rejected,  // permanent: error
        Error,     // the server could not store it (error.code storage): send again later
    };

    Status status = Status::Error;
    QString module;
    QString id;
    qint64 version = 0;
    std::optional<qint64> seq;
    QJsonObject record; // the record now, masked for the recipient (RecordPayload's JSON)
    bool deleted = false;
    // Conflict
    ConflictKind kind = ConflictKind::Fields;
    QList<FieldConflict> conflicts;
    QJsonObject mine;
    Actor by;
    QStringList changedFields;
    // Rejected and Error
    WireError error;
    // Duplicate
    std::shared_ptr<const MutationResult> original;
    // Bookkeeping the server adds
    qint64 mutationId = -1;
    std::optional<qint64> gapAfter;

    static MutationResult rejected(ErrorCode code, const QString& message,
                                   const QString& field = {});
    static MutationResult storageError();

    // What a duplicate stands for: the original answer (itself for any other status).
    const MutationResult& effective() const
    {
        return status == Status::Duplicate && original ? *original : *this;
    }
    // Who made the change this edit met: `by`, or the first field's author; empty if unsaid.
    QString conflictAuthor() const;

    QJsonObject toJson() const;
    // Refuses an unknown status, a record that is not an object and a duplicate whose original
    // is malformed; a conflict of an unknown kind reads as a fields conflict, a refusal without
    // an error object as one with an unknown code.
    static Parsed<MutationResult> fromJson(const QJsonObject& json);
};

QString mutationStatusName(MutationResult::Status status);

} // namespace crm
