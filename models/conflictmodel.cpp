#include "models/conflictmodel.h"

#include "models/localstore.h"
#include "models/schema/recordschema.h"
#include "models/syncengine.h"

#include <QJsonArray>
#include <QSet>

namespace crm {

ConflictModel::ConflictModel(LocalStore& store, SyncEngine& engine, QObject* parent)
    : StoreListModel(parent), m_store(store)
{
    connect(&engine, &SyncEngine::localStateChanged, this, &ConflictModel::refresh);
    m_conflicts = m_store.conflicts();
}

int ConflictModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_conflicts.size());
}

QVariant ConflictModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConflictEntry& c = m_conflicts.at(index.row());
    const ModuleSpec* spec = RecordSchema::instance().module(c.entry.module);
    switch (role) {
    case Qt::DisplayRole: {
        const QString what = spec ? spec->singular : c.entry.module;
        return c.kind == QStringLiteral("deleted")
                   ? tr("The %1 you edited was deleted by someone else").arg(what)
                   : tr("Someone else changed this %1 at the same time").arg(what);
    }
    case ConflictIdRole:
        return c.id;
    case ModuleRole:
        return c.entry.module;
    case RecordIdRole:
        return c.entry.recordId;
    case KindRole:
        return c.kind;
    case FieldsRole: {
        QVariantList fields;
        if (c.kind == QStringLiteral("deleted")) {
            for (auto it = c.entry.fields.begin(); it != c.entry.fields.end(); ++it) {
                const FieldSpec* field = spec ? spec->field(it.key()) : nullptr;
                fields.append(
                    QVariantMap{{QStringLiteral("field"), it.key()},
                                {QStringLiteral("label"), field ? field->label : it.key()},
                                {QStringLiteral("mine"), it.value().toVariant()}});
            }
            return fields;
        }
        for (const auto& item : c.detail.value(QStringLiteral("conflicts")).toArray()) {
            const auto o = item.toObject();
            const QString name = o.value(QStringLiteral("field")).toString();
            const FieldSpec* field = spec ? spec->field(name) : nullptr;
            fields.append(QVariantMap{
                {QStringLiteral("field"), name},
                {QStringLiteral("label"), field ? field->label : name},
                {QStringLiteral("base"), o.value(QStringLiteral("base")).toVariant()},
                {QStringLiteral("mine"), o.value(QStringLiteral("mine")).toVariant()},
                {QStringLiteral("theirs"), o.value(QStringLiteral("theirs")).toVariant()}});
        }
        return fields;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> ConflictModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(ConflictIdRole, "conflictId");
    names.insert(ModuleRole, "module");
    names.insert(RecordIdRole, "recordId");
    names.insert(KindRole, "kind");
    names.insert(FieldsRole, "fields");
    return names;
}

void ConflictModel::refresh()
{
    syncRows(m_conflicts, m_store.conflicts(), [](const ConflictEntry& c) { return c.id; });
}

} // namespace crm
