#include "core/conflictresolver.h"

#include "core/corelogging.h"
#include "core/localstore.h"
#include "core/syncengine.h"
#include "protocol/recordschema.h"

#include <QJsonArray>
#include <QUuid>

namespace crm {

namespace {

std::optional<ConflictEntry> findConflict(LocalStore& store, qint64 conflictId)
{
    for (const auto& conflict : store.problems().conflicts()) {
        if (conflict.id == conflictId)
            return conflict;
    }
    return std::nullopt;
}

} // namespace

ConflictResolver::ConflictResolver(LocalStore& store, SyncEngine& engine)
    : m_store(store), m_engine(engine)
{}

void ConflictResolver::adoptCurrent(const ConflictEntry& conflict)
{
    const QJsonObject current = conflict.detail.value(QStringLiteral("record")).toObject();
    if (current.isEmpty())
        return;
    const auto existing = m_store.cache().record(conflict.entry.module, conflict.entry.recordId);
    const qint64 version = current.value(QStringLiteral("version")).toInteger();
    if (existing && existing->version >= version)
        return;
    RecordCache::Record record = existing.value_or(RecordCache::Record{});
    record.module = conflict.entry.module;
    record.id = conflict.entry.recordId;
    record.fields = current.value(QStringLiteral("fields")).toObject();
    record.version = version;
    m_store.cache().storeRecord(record);
}

std::optional<OutboxEntry> ConflictResolver::settle(const ConflictEntry& conflict,
                                                    const QString& recordId, Operation op,
                                                    const QJsonObject& fields)
{
    // The edit first: a conflict closed with no edit queued would lose the agent's decision.
    auto entry = m_engine.edit(conflict.entry.module, recordId, op, fields);
    if (!entry)
        return std::nullopt;
    if (!m_store.problems().resolveConflict(conflict.id))
        qCWarning(lcLocalStore) << "conflict" << conflict.id
                                << "stays listed although its edit is queued as"
                                << entry->mutationId;
    m_engine.announce(conflict.entry.module, conflict.entry.recordId);
    return entry;
}

std::optional<OutboxEntry> ConflictResolver::resend(qint64 conflictId, const QJsonObject& values)
{
    const auto conflict = findConflict(m_store, conflictId);
    if (!conflict || conflict->kind != ConflictKind::Fields)
        return std::nullopt;
    adoptCurrent(*conflict);
    return settle(*conflict, conflict->entry.recordId, Operation::Update, values);
}

std::optional<OutboxEntry> ConflictResolver::deleteAnyway(qint64 conflictId)
{
    const auto conflict = findConflict(m_store, conflictId);
    if (!conflict || conflict->kind != ConflictKind::Changed)
        return std::nullopt;
    adoptCurrent(*conflict);
    return settle(*conflict, conflict->entry.recordId, Operation::Delete, {});
}

std::optional<OutboxEntry> ConflictResolver::keepMine(qint64 conflictId)
{
    const auto conflict = findConflict(m_store, conflictId);
    return conflict ? resend(conflictId, conflict->entry.fields) : std::nullopt;
}

bool ConflictResolver::takeTheirs(qint64 conflictId)
{
    const auto conflict = findConflict(m_store, conflictId);
    if (!conflict || !m_store.problems().resolveConflict(conflictId))
        return false;
    m_engine.announce(conflict->entry.module, conflict->entry.recordId);
    return true;
}

std::optional<OutboxEntry> ConflictResolver::merge(qint64 conflictId, const QJsonObject& values)
{
    return resend(conflictId, values);
}

std::optional<OutboxEntry> ConflictResolver::restoreWithMine(qint64 conflictId)
{
    const auto conflict = findConflict(m_store, conflictId);
    if (!conflict || conflict->kind != ConflictKind::Deleted)
        return std::nullopt;
    QJsonObject fields;
    if (const auto last = m_store.cache().record(conflict->entry.module, conflict->entry.recordId))
        fields = last->fields;
    for (auto it = conflict->entry.fields.begin(); it != conflict->entry.fields.end(); ++it)
        fields.insert(it.key(), it.value());
    // The server keeps derived fields (the notes' text): a create naming one would be refused.
    if (const ModuleSpec* spec = RecordSchema::instance().module(conflict->entry.module))
        for (const FieldSpec& field : spec->fields)
            if (field.derived)
                fields.remove(field.name);
    return settle(*conflict, QUuid::createUuid().toString(QUuid::WithoutBraces), Operation::Create,
                  fields);
}

} // namespace crm
