#include "models/activitymodel.h"

#include "core/clientcore.h"
#include "core/localstore.h"
#include "models/changeexcerpt.h"
#include "protocol/recordschema.h"

namespace crm {

ActivityModel::ActivityModel(ClientCore& core, int capacity, QObject* parent)
    : QAbstractListModel(parent), m_core(core), m_capacity(std::max(1, capacity))
{
    connect(&core, &ClientCore::changeArrived, this, &ActivityModel::add);
}

int ActivityModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

QVariant ActivityModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case SummaryRole: {
        const ModuleSpec* spec = RecordSchema::instance().module(e.module);
        QStringList fields;
        for (const auto& change : e.changes) {
            const QString name = change.toMap().value(QStringLiteral("field")).toString();
            const FieldSpec* field = spec ? spec->field(name) : nullptr;
            fields.append(field ? field->label : name);
        }
        const QString what = spec ? spec->singular : e.module;
        if (e.kind == QStringLiteral("created")) {
            // Name the new record by its title field when the change carried it.
            QString title;
            for (const auto& change : e.changes) {
                const auto map = change.toMap();
                if (spec && map.value(QStringLiteral("field")) == spec->titleField)
                    title = map.value(QStringLiteral("after")).toString();
            }
            return title.isEmpty() ? tr("%1 created %2").arg(e.userName, what)
                                   : tr("%1 created %2 %3").arg(e.userName, what, title);
        }
        if (e.kind == QStringLiteral("deleted"))
            return tr("%1 deleted %2").arg(e.userName, what);
        if (e.changes.size() == 1 &&
            e.changes.first().toMap().value(QStringLiteral("field")) == kNotesTextField.toString())
            return e.title.isEmpty()
                       ? tr("%1 edited the notes of %2").arg(e.userName, what)
                       : tr("%1 edited the notes of %2 %3").arg(e.userName, what, e.title);
        return tr("%1 changed %2: %3").arg(e.userName, what, fields.join(QStringLiteral(", ")));
    }
    case SeqRole:
        return e.seq;
    case AtRole:
        return e.at;
    case UserIdRole:
        return e.userId;
    case UserNameRole:
        return e.userName;
    case ModuleRole:
        return e.module;
    case RecordIdRole:
        return e.recordId;
    case KindRole:
        return e.kind;
    case ChangesRole:
        return e.changes;
    default:
        return {};
    }
}

QHash<int, QByteArray> ActivityModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(SeqRole, "seq");
    names.insert(AtRole, "at");
    names.insert(UserIdRole, "userId");
    names.insert(UserNameRole, "userName");
    names.insert(ModuleRole, "module");
    names.insert(RecordIdRole, "recordId");
    names.insert(KindRole, "kind");
    names.insert(ChangesRole, "changes");
    names.insert(SummaryRole, "summary");
    return names;
}

void ActivityModel::add(const ChangeEvent& event, const QJsonObject& previous)
{
    Entry entry;
    entry.seq = event.seq;
    entry.at = event.at;
    entry.userId = event.by.id;
    entry.userName = event.by.name;
    entry.module = event.module;
    entry.recordId = event.id;
    entry.kind = changeKindName(event.kind);
    const QJsonObject& fields = event.fields;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        QVariant before = previous.value(it.key()).toVariant();
        QVariant after = it.value().toVariant();
        if (it.key() == kNotesTextField) {
            // Nothing else in the change names the record: its title from this copy.
            const ModuleSpec* spec = RecordSchema::instance().module(event.module);
            if (const auto record = m_core.store().cache().record(event.module, event.id);
                spec && record)
                entry.title = record->fields.value(spec->titleField).toString();
            // The notes' whole text twice would be a page, not a line: the part that changed.
            const auto excerpt = ChangeExcerpt::of(before.toString(), after.toString());
            before = excerpt.before;
            after = excerpt.after;
        }
        entry.changes.append(QVariantMap{{QStringLiteral("field"), it.key()},
                                         {QStringLiteral("before"), before},
                                         {QStringLiteral("after"), after}});
    }
    beginInsertRows({}, 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
    if (m_entries.size() > m_capacity) {
        const int last = static_cast<int>(m_entries.size()) - 1;
        beginRemoveRows({}, m_capacity, last);
        m_entries.resize(m_capacity);
        endRemoveRows();
    }
}

} // namespace crm
