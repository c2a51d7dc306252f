#include "models/failuremodel.h"

#include "models/localstore.h"
#include "models/syncengine.h"
#include "protocol/recordschema.h"

namespace crm {

FailureModel::FailureModel(LocalStore& store, SyncEngine& engine, QObject* parent)
    : StoreListModel(parent), m_store(store), m_engine(engine)
{
    connect(&engine, &SyncEngine::localStateChanged, this, &FailureModel::refresh);
    refresh();
}

int FailureModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_failures.size());
}

QVariant FailureModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FailedEntry& failed = m_failures.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        const ModuleSpec* spec = RecordSchema::instance().module(failed.entry.module);
        QStringList fields;
        for (auto it = failed.entry.fields.begin(); it != failed.entry.fields.end(); ++it) {
            const FieldSpec* field = spec ? spec->field(it.key()) : nullptr;
            fields.append(field ? field->label : it.key());
        }
        const QString what = spec ? spec->singular : failed.entry.module;
        const QString change = failed.entry.op == QStringLiteral("create") ? tr("new %1").arg(what)
                               : failed.entry.op == QStringLiteral("delete")
                                   ? tr("deleting a %1").arg(what)
                                   : tr("%1: %2").arg(what, fields.join(tr(", ")));
        return tr("%1 — %2").arg(change, failed.message.isEmpty() ? failed.code : failed.message);
    }
    case MutationIdRole:
        return failed.entry.mutationId;
    case ModuleRole:
        return failed.entry.module;
    case RecordIdRole:
        return failed.entry.recordId;
    case OpRole:
        return failed.entry.op;
    case FieldsRole:
        return failed.entry.fields.toVariantMap();
    case CodeRole:
        return failed.code;
    case MessageRole:
        return failed.message;
    default:
        return {};
    }
}

QHash<int, QByteArray> FailureModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(MutationIdRole, "mutationId");
    names.insert(ModuleRole, "module");
    names.insert(RecordIdRole, "recordId");
    names.insert(OpRole, "op");
    names.insert(FieldsRole, "fields");
    names.insert(CodeRole, "code");
    names.insert(MessageRole, "message");
    return names;
}

void FailureModel::refresh()
{
    syncRows(m_failures, m_store.failures(),
             [](const FailedEntry& f) { return f.entry.mutationId; });
}

bool FailureModel::retry(qint64 mutationId, const QJsonObject& corrections)
{
    for (const auto& failed : m_store.failures()) {
        if (failed.entry.mutationId != mutationId)
            continue;
        QJsonObject fields = failed.entry.fields;
        for (auto it = corrections.begin(); it != corrections.end(); ++it)
            fields.insert(it.key(), it.value());
        // A new mutation on the current version; then the refused one leaves.
        if (!m_engine.edit(failed.entry.module, failed.entry.recordId, failed.entry.op, fields))
            return false;
        m_store.discardFailure(mutationId);
        m_engine.announce(failed.entry.module, failed.entry.recordId);
        return true;
    }
    return false;
}

bool FailureModel::discard(qint64 mutationId)
{
    for (const auto& failed : std::as_const(m_failures)) {
        if (failed.entry.mutationId != mutationId)
            continue;
        // Copies: the announcement refreshes this model, which removes (frees) that very row
        // while the signal's receivers still read its module and id.
        const QString module = failed.entry.module;
        const QString recordId = failed.entry.recordId;
        if (!m_store.discardFailure(mutationId))
            return false;
        m_engine.announce(module, recordId);
        return true;
    }
    // Not shown here (another process may have added it): still honour the request.
    return m_store.discardFailure(mutationId);
}

} // namespace crm
