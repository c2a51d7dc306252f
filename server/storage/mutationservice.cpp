#include "server/storage/mutationservice.h"

#include "protocol/mutationresult.h"
#include "protocol/recordschema.h"
#include "server/storage/changelog.h"
#include "server/storage/database.h"
#include "server/storage/recordstore.h"
#include "server/storage/storagelogging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace crm {

namespace {

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

MutationResult rejected(ErrorCode code, const QString& message, const QString& field = {})
{
    return MutationResult::rejected(code, message, field);
}

MutationResult storageError()
{
    return MutationResult::storageError();
}

bool isStorageError(const MutationResult& result)
{
    return result.status == MutationResult::Status::Error;
}

// A result about `record` as it is now.
MutationResult resultFor(MutationResult::Status status, const StoredRecord& record)
{
    MutationResult result;
    result.status = status;
    result.module = record.module;
    result.id = record.id;
    result.version = record.version;
    return result;
}

MutationResult applied(const StoredRecord& record, qint64 seq, const Identity& who,
                       const ModuleSpec& spec)
{
    MutationResult result = resultFor(MutationResult::Status::Applied, record);
    if (seq > 0)
        result.seq = seq;
    result.record = record.toJson(who, spec);
    return result;
}

// Whether a logged change came from anyone but the client of this mutation. One-off REST calls
// (no clientId) have no "own" changes.
bool isOthers(const ChangeEntry& entry, const Mutation& m)
{
    return m.clientId.isEmpty() || entry.clientId != m.clientId;
}

// The newest change in `history` (changes after the mutation's base, oldest first) that
// someone else made to `field` after this client's own last change of it: the one this
// mutation would silently overwrite. This client changing that field after someone else did
// means it had seen their value (its edit would have conflicted otherwise).
std::optional<ChangeEntry> lastOtherChange(const QList<ChangeEntry>& history, const Mutation& m,
                                           const QString& field)
{
    std::optional<ChangeEntry> other;
    for (const auto& entry : history) {
        if (!entry.fields.contains(field))
            continue;
        if (isOthers(entry, m))
            other = entry;
        else
            other.reset();
    }
    return other;
}

// The field's value at the mutation's base: the old value of the first change after it.
QJsonValue valueAtBase(const QList<ChangeEntry>& history, const QString& field)
{
    for (const auto& entry : history) {
        if (entry.fields.contains(field))
            return entry.fields.value(field).toObject().value(QStringLiteral("old"));
    }
    return QJsonValue::Null;
}

Actor author(const ChangeEntry& entry)
{
    return {entry.userId, entry.userName, {}};
}

} // namespace

MutationService::MutationService(Database& db, RecordStore& records, ChangeLog& log)
    : m_db(db), m_records(records), m_log(log)
{}

MutationService::Outcome MutationService::apply(const Identity& who, const Mutation& m,
                                                Writer writer)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return {storageError(), std::nullopt, {}};

    qint64 lastMutationId = 0;
    if (!m.clientId.isEmpty()) {
        auto owner = m_db.query();
        if (!m_db.exec(owner,
                       QStringLiteral("SELECT user_id, last_mutation_id FROM client_mutations "
                                      "WHERE client_id = ?"),
                       {m.clientId}))
            return {storageError(), std::nullopt, {}};
        if (owner.next()) {
            if (owner.value(0).toString() != who.userId)
                return {rejected(ErrorCode::ClientIdInUse,
                                 QStringLiteral("This clientId belongs to another user")),
                        std::nullopt,
                        {}};
            lastMutationId = owner.value(1).toLongLong();
        }
        // A duplicate is a mutation whose result is stored, whatever arrived in between: clients
        // pipeline edits of different records, so ids need not arrive in order.
        auto previous = m_db.query();
        if (!m_db.exec(previous,
                       QStringLiteral("SELECT result FROM mutation_results WHERE client_id = ? AND "
                                      "mutation_id = ?"),
                       {m.clientId, m.mutationId}))
            return {storageError(), std::nullopt, {}};
        if (previous.next()) {
            // The first answer, as it was stored (the message round-trips exactly).
            auto original = MutationResult::fromJson(
                QJsonDocument::fromJson(previous.value(0).toString().toUtf8()).object());
            MutationResult duplicate;
            duplicate.status = MutationResult::Status::Duplicate;
            duplicate.mutationId = m.mutationId;
            if (original.ok()) {
                duplicate.original =
                    std::make_shared<const MutationResult>(std::move(original).value());
                return {duplicate, std::nullopt, {}};
            }
            qCWarning(lcMutations) << "the stored answer to" << m.clientId << m.mutationId
                                   << "is sent back unread:" << original.error().describe();
            return {duplicate, std::nullopt,
                    QJsonDocument::fromJson(previous.value(0).toString().toUtf8()).object()};
        }
    }

    MutationResult result;
    std::optional<ChangeEntry> change;
    const ModuleSpec* spec = RecordSchema::instance().module(m.module);
    // A client may send a derived field back unchanged (a script that read a record and writes
    // it whole): it is dropped. Any other value of one is refused.
    const FieldSpec* derived = nullptr;
    Mutation withoutDerived;
    const Mutation* effective = &m;
    for (auto it = m.fields.begin(); spec && writer == Writer::Client && it != m.fields.end();
         ++it) {
        const FieldSpec* field = spec->field(it.key());
        if (!field || !field->derived)
            continue;
        const auto current =
            m.op == Operation::Create ? std::nullopt : m_records.find(m.module, m.recordId);
        // A record out of reach answers not_found below, whatever this field says.
        const bool visible = current && who.canSee(current->brokerageId, current->teamId);
        const QJsonValue stored = visible ? current->data.value(field->name) : QJsonValue();
        const QJsonValue storedOrNull = stored.isUndefined() ? QJsonValue() : stored;
        if (m.op == Operation::Create || (visible && it.value() != storedOrNull)) {
            derived = field;
            break;
        }
        if (effective == &m) {
            withoutDerived = m;
            effective = &withoutDerived;
        }
        withoutDerived.fields.remove(field->name);
    }
    if (!spec) {
        result = rejected(ErrorCode::UnknownModule,
                          QStringLiteral("There is no module '%1'").arg(m.module));
    } else if (derived) {
        result = rejected(ErrorCode::ForbiddenField,
                          QStringLiteral("%1 is kept by the server from the record's notes; "
                                         "write in the notes instead")
                              .arg(derived->label),
                          derived->name);
    } else if (m.op == Operation::Create) {
        result = create(who, m, *spec, change);
    } else {
        const auto record = m_records.find(m.module, m.recordId);
        // A record outside your reach does not exist for you.
        if (!record || !who.canSee(record->brokerageId, record->teamId))
            result = rejected(ErrorCode::NotFound,
                              QStringLiteral("This %1 does not exist or is outside your team")
                                  .arg(spec->singular));
        else if (m.op == Operation::Update)
            result = update(who, *effective, *spec, *record, change);
        else
            result = remove(who, *effective, *spec, *record, change);
    }
    if (isStorageError(result))
        return {result, std::nullopt, {}};

    if (!m.clientId.isEmpty()) {
        if (lastMutationId > 0 && m.mutationId > lastMutationId + 1)
            result.gapAfter = lastMutationId;
        result.mutationId = m.mutationId;
        if (!recordResult(who, m, result))
            return {storageError(), std::nullopt, {}};
    }
    if (!transaction.commit())
        return {storageError(), std::nullopt, {}};
    qCDebug(lcMutations) << operationName(m.op) << m.module << m.recordId << "by" << who.userId
                         << "->" << mutationStatusName(result.status);
    return {result, change, {}};
}

QJsonObject MutationService::Outcome::toJson() const
{
    if (unreadOriginal.isEmpty())
        return result.toJson();
    QJsonObject json = result.toJson();
    json.insert(QStringLiteral("original"), unreadOriginal);
    return json;
}

QList<MutationService::Outcome> MutationService::applyAll(const Identity& who,
                                                          const QList<Mutation>& mutations)
{
    if (mutations.size() == 1)
        return {apply(who, mutations.first())}; // its own transaction is the whole batch
    QList<Outcome> outcomes;
    outcomes.reserve(mutations.size());
    Transaction transaction(m_db);
    bool stored = transaction.isOpen();
    for (const auto& mutation : mutations) {
        if (!stored) {
            outcomes.append({storageError(), std::nullopt, {}});
            continue;
        }
        outcomes.append(apply(who, mutation));
        stored = !isStorageError(outcomes.constLast().result);
    }
    if (stored && transaction.commit())
        return outcomes;
    for (auto& outcome : outcomes)
        outcome = {storageError(), std::nullopt, {}};
    return outcomes;
}

bool MutationService::recordResult(const Identity& who, const Mutation& m,
                                   const MutationResult& result)
{
    auto upsert = m_db.query();
    auto store = m_db.query();
    return m_db.exec(upsert,
                     QStringLiteral("INSERT INTO client_mutations (client_id, user_id, "
                                    "last_mutation_id) VALUES (?, ?, ?) ON CONFLICT (client_id) "
                                    "DO UPDATE SET last_mutation_id = CASE WHEN "
                                    "excluded.last_mutation_id > client_mutations.last_mutation_id "
                                    "THEN excluded.last_mutation_id ELSE "
                                    "client_mutations.last_mutation_id END"),
                     {m.clientId, who.userId, m.mutationId}) &&
           m_db.exec(
               store,
               QStringLiteral("INSERT INTO mutation_results (client_id, mutation_id, result, "
                              "at) VALUES (?, ?, ?, ?)"),
               {m.clientId, m.mutationId,
                QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact)),
                now()});
}

std::optional<bool> MutationService::isValidBase(qint64 base, const StoredRecord& record,
                                                 const Mutation& m)
{
    if (base >= 1)
        return base <= record.version;
    // 0: made on top of this client's own create, still queued when the edit was made.
    if (base < 0 || m.clientId.isEmpty())
        return false;
    const auto history = m_log.recordHistoryAfter(record.module, record.id, 0);
    if (!history)
        return std::nullopt; // a failed read is no verdict (it would be stored as one)
    return !history->isEmpty() && history->first().kind == QStringLiteral("created") &&
           history->first().clientId == m.clientId;
}

MutationResult MutationService::badBase(qint64 base)
{
    return rejected(ErrorCode::BadBaseVersion,
                    QStringLiteral("Version %1 of this record never existed").arg(base));
}

ChangeEntry MutationService::newChange(const Identity& who, const Mutation& m,
                                       const StoredRecord& record, const QString& kind)
{
    ChangeEntry change;
    change.brokerageId = record.brokerageId;
    change.module = record.module;
    change.recordId = record.id;
    change.teamId = record.teamId;
    change.ownerId = record.ownerId;
    change.kind = kind;
    change.version = record.version;
    change.userId = who.userId;
    change.userName = who.actingName();
    change.agent = who.agentName;
    change.clientId = m.clientId;
    change.mutationId = m.mutationId;
    change.at = record.updatedAt;
    return change;
}

MutationResult MutationService::create(const Identity& who, const Mutation& m,
                                       const ModuleSpec& spec, std::optional<ChangeEntry>& change)
{
    if (QUuid::fromString(m.recordId).isNull())
        return rejected(ErrorCode::BadId, QStringLiteral("New records need a UUID id"));
    // The same answer whoever the record belongs to, deleted or not: a taken id says nothing of
    // its record (ids are UUIDs the client makes; only someone who knew one can try it).
    if (m_records.find(m.module, m.recordId))
        return rejected(ErrorCode::Exists,
                        QStringLiteral("This id is taken; new records need a fresh UUID"));
    if (who.teamId.isEmpty())
        return rejected(ErrorCode::NoTeam,
                        QStringLiteral("Users without a team cannot create records"));
    if (auto problem = RecordSchema::instance().validate(spec, m.fields, true))
        return rejected(problem->code, problem->message, problem->field);

    StoredRecord record;
    record.module = m.module;
    record.id = m.recordId;
    record.brokerageId = who.brokerageId;
    record.teamId = who.teamId;
    record.ownerId = who.userId;
    record.version = 1;
    record.createdAt = record.updatedAt = now();
    record.createdBy = record.updatedBy = who.userId;
    QJsonObject changed;
    for (auto it = m.fields.begin(); it != m.fields.end(); ++it) {
        if (it.value().isNull())
            continue;
        record.data.insert(it.key(), it.value());
        record.fieldVersions.insert(it.key(), 1);
        changed.insert(it.key(), QJsonObject{{QStringLiteral("old"), QJsonValue::Null},
                                             {QStringLiteral("new"), it.value()}});
    }
    ChangeEntry entry = newChange(who, m, record, QStringLiteral("created"));
    entry.fields = changed;
    if (!m_records.insert(record) || !m_log.append(entry))
        return storageError();
    change = entry;
    return applied(record, entry.seq, who, spec);
}

MutationResult MutationService::update(const Identity& who, const Mutation& m,
                                       const ModuleSpec& spec, StoredRecord record,
                                       std::optional<ChangeEntry>& change)
{
    if (record.deleted) {
        // Who deleted it: the newest entry of the record's log is the deletion.
        MutationResult result = resultFor(MutationResult::Status::Conflict, record);
        result.kind = ConflictKind::Deleted;
        result.mine = m.fields;
        const auto last = m_log.recordHistoryAfter(record.module, record.id, record.version - 1);
        if (last && !last->isEmpty())
            result.by = author(last->constLast());
        return result;
    }
    if (auto problem = RecordSchema::instance().validate(spec, m.fields, false))
        return rejected(problem->code, problem->message, problem->field);
    if (!who.seesSensitiveOf(record.ownerId)) {
        for (const auto& name : spec.sensitiveFields()) {
            if (m.fields.contains(name))
                return rejected(ErrorCode::ForbiddenField,
                                QStringLiteral("Only the owner or a broker admin may change %1")
                                    .arg(spec.field(name)->label),
                                name);
        }
    }
    if (!m.baseVersion)
        return rejected(ErrorCode::BaseVersionRequired,
                        QStringLiteral("An update must say which version it was made on"));
    const qint64 base = *m.baseVersion;
    const auto validBase = isValidBase(base, record, m);
    if (!validBase)
        return storageError();
    if (!*validBase)
        return badBase(base);

    // Someone other than this client changed the field after our base, to something other than
    // what we want. This client's own changes since the base are not conflicts: its queued edits
    // all carry the version the agent saw, however many of its own edits applied meanwhile.
    QList<FieldConflict> conflicts;
    std::optional<QList<ChangeEntry>> history;
    for (auto it = m.fields.begin(); it != m.fields.end(); ++it) {
        const qint64 fieldVersion = record.fieldVersions.value(it.key()).toInteger(0);
        const QJsonValue theirs = record.data.value(it.key());
        const QJsonValue theirsOrNull =
            theirs.isUndefined() ? QJsonValue(QJsonValue::Null) : theirs;
        if (fieldVersion <= base || theirsOrNull == it.value())
            continue;
        if (!history) {
            history = m_log.recordHistoryAfter(record.module, record.id, base);
            if (!history)
                return storageError(); // never "nobody else changed it" on a failed read
        }
        const auto other = lastOtherChange(*history, m, it.key());
        if (!other)
            continue;
        conflicts.append(
            {it.key(), valueAtBase(*history, it.key()), it.value(), theirsOrNull, author(*other)});
    }
    if (!conflicts.isEmpty()) {
        MutationResult result = resultFor(MutationResult::Status::Conflict, record);
        result.kind = ConflictKind::Fields;
        result.conflicts = conflicts;
        result.record = record.toJson(who, spec);
        return result;
    }

    QJsonObject changed;
    for (auto it = m.fields.begin(); it != m.fields.end(); ++it) {
        const QJsonValue current = record.data.value(it.key());
        const QJsonValue old = current.isUndefined() ? QJsonValue(QJsonValue::Null) : current;
        if (old != it.value())
            changed.insert(it.key(), QJsonObject{{QStringLiteral("old"), old},
                                                 {QStringLiteral("new"), it.value()}});
    }
    if (changed.isEmpty())
        return applied(record, 0, who, spec); // nothing to do: no new version, no seq

    record.version += 1;
    record.updatedAt = now();
    record.updatedBy = who.userId;
    for (auto it = changed.begin(); it != changed.end(); ++it) {
        const QJsonValue value = it.value().toObject().value(QStringLiteral("new"));
        if (value.isNull())
            record.data.remove(it.key());
        else
            record.data.insert(it.key(), value);
        record.fieldVersions.insert(it.key(), record.version);
    }
    ChangeEntry entry = newChange(who, m, record, QStringLiteral("updated"));
    entry.fields = changed;
    if (!m_records.update(record) || !m_log.append(entry))
        return storageError();
    change = entry;
    return applied(record, entry.seq, who, spec);
}

MutationResult MutationService::remove(const Identity& who, const Mutation& m,
                                       const ModuleSpec& spec, StoredRecord record,
                                       std::optional<ChangeEntry>& change)
{
    if (record.deleted) {
        // Gone already, as this delete wanted: nothing to apply, nothing to ask.
        MutationResult result = resultFor(MutationResult::Status::Applied, record);
        result.deleted = true;
        return result;
    }
    if (m.baseVersion) {
        const qint64 base = *m.baseVersion;
        const auto validBase = isValidBase(base, record, m);
        if (!validBase)
            return storageError();
        if (!*validBase)
            return badBase(base);
        // A delete made on an old copy must not discard what someone else did since.
        if (base < record.version) {
            // Field by field, as for an update: this client's own later change of one field
            // says nothing about another field someone else changed.
            const auto history = m_log.recordHistoryAfter(record.module, record.id, base);
            if (!history)
                return storageError();
            QStringList changedFields;
            std::optional<ChangeEntry> other;
            for (const auto& entry : *history) {
                for (auto f = entry.fields.begin(); f != entry.fields.end(); ++f) {
                    if (changedFields.contains(f.key()))
                        continue;
                    const auto theirs = lastOtherChange(*history, m, f.key());
                    if (!theirs)
                        continue;
                    changedFields.append(f.key());
                    if (!other || theirs->version > other->version)
                        other = theirs;
                }
            }
            if (other) {
                MutationResult result = resultFor(MutationResult::Status::Conflict, record);
                result.kind = ConflictKind::Changed;
                result.by = author(*other);
                result.changedFields = changedFields;
                result.record = record.toJson(who, spec);
                return result;
            }
        }
    }
    record.deleted = true;
    record.version += 1;
    record.updatedAt = now();
    record.updatedBy = who.userId;
    ChangeEntry entry = newChange(who, m, record, QStringLiteral("deleted"));
    if (!m_records.update(record) || !m_log.append(entry))
        return storageError();
    change = entry;
    MutationResult result = resultFor(MutationResult::Status::Applied, record);
    result.seq = entry.seq;
    result.deleted = true;
    return result;
}

} // namespace crm
