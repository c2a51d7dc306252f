#include "models/failuremodel.h"

#include "core/clientcore.h"
#include "protocol/recordschema.h"

namespace crm {

FailureModel::FailureModel(ClientCore& core, QObject* parent) : StoreListModel(parent), m_core(core)
{
    connect(&core, &ClientCore::localStateChanged, this, &FailureModel::refresh);
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
        const QString change = failed.entry.op == Operation::Create ? tr("new %1").arg(what)
                               : failed.entry.op == Operation::Delete
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
        return operationName(failed.entry.op);
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
    syncRows(m_failures, m_core.store().problems().failures(),
             [](const FailedEntry& f) { return f.entry.mutationId; });
}

bool FailureModel::retry(qint64 mutationId, const QJsonObject& corrections, QString* error)
{
    return m_core.retry(mutationId, corrections).reportTo(error);
}

bool FailureModel::discard(qint64 mutationId, QString* error)
{
    return m_core.discard(mutationId).reportTo(error);
}

} // namespace crm
