#include "models/conflictmodel.h"

#include "models/localstore.h"
#include "models/schema/recordschema.h"
#include "models/syncengine.h"

#include <QJsonArray>
#include <QSet>

namespace crm {

namespace {

// The server names who made the change (by.name on the conflict, or on each field's).
QString otherPerson(const ConflictEntry& c)
{
    const QString whole =
        c.detail.value(QStringLiteral("by")).toObject().value(QStringLiteral("name")).toString();
    if (!whole.isEmpty())
        return whole;
    for (const auto& item : c.detail.value(QStringLiteral("conflicts")).toArray()) {
        const QString name = item.toObject()
                                 .value(QStringLiteral("by"))
                                 .toObject()
                                 .value(QStringLiteral("name"))
                                 .toString();
        if (!name.isEmpty())
            return name;
    }
    return {};
}

} // namespace

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
        const QString who = otherPerson(c);
        if (c.kind == QStringLiteral("deleted"))
            return who.isEmpty() ? tr("The %1 you edited was deleted by someone else").arg(what)
                                 : tr("%1 deleted the %2 you edited").arg(who, what);
        if (c.kind == QStringLiteral("changed"))
            return who.isEmpty() ? tr("Someone changed this %1 after you last saw it").arg(what)
                                 : tr("%1 changed this %2 after you last saw it").arg(who, what);
        return who.isEmpty() ? tr("Someone else changed this %1 at the same time").arg(what)
                             : tr("%1 changed this %2 at the same time").arg(who, what);
    }
    case ByRole:
        return otherPerson(c);
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
        if (c.kind == QStringLiteral("changed")) {
            // What they changed, as it is now: what a delete anyway would throw away.
            const QJsonObject now = c.detail.value(QStringLiteral("record"))
                                        .toObject()
                                        .value(QStringLiteral("fields"))
                                        .toObject();
            for (const auto& name : c.detail.value(QStringLiteral("changedFields")).toArray()) {
                const FieldSpec* field = spec ? spec->field(name.toString()) : nullptr;
                fields.append(QVariantMap{
                    {QStringLiteral("field"), name.toString()},
                    {QStringLiteral("label"), field ? field->label : name.toString()},
                    {QStringLiteral("theirs"), now.value(name.toString()).toVariant()}});
            }
            return fields;
        }
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
    names.insert(ByRole, "by");
    return names;
}

void ConflictModel::refresh()
{
    syncRows(m_conflicts, m_store.conflicts(), [](const ConflictEntry& c) { return c.id; });
}

} // namespace crm
