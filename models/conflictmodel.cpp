#include "models/conflictmodel.h"

#include "core/clientcore.h"
#include "models/fieldformat.h"
#include "protocol/recordschema.h"

#include <QJsonArray>
#include <QSet>

namespace crm {

namespace {

QString otherPerson(const ConflictEntry& c)
{
    return ConflictEntry::author(c.detail);
}

} // namespace

QString ConflictModel::recordTitle(const ConflictEntry& c) const
{
    // "Escrow ESC-26867": the kind, then the record's own name as the agent knows it.
    const ModuleSpec* spec = RecordSchema::instance().module(c.entry.module);
    QString kind = spec ? spec->singular : c.entry.module;
    if (!kind.isEmpty())
        kind[0] = kind[0].toUpper();
    if (!spec)
        return kind;
    QString name = c.entry.fields.value(spec->titleField).toVariant().toString();
    if (name.isEmpty())
        name = c.detail.value(QStringLiteral("record"))
                   .toObject()
                   .value(QStringLiteral("fields"))
                   .toObject()
                   .value(spec->titleField)
                   .toVariant()
                   .toString();
    if (name.isEmpty()) {
        if (const auto record = m_core.store().cache().record(c.entry.module, c.entry.recordId))
            name = record->fields.value(spec->titleField).toVariant().toString();
    }
    return name.isEmpty() ? kind : tr("%1 %2").arg(kind, name);
}

QString ConflictModel::summary(const ConflictEntry& c, const QVariantList& fields) const
{
    QString who = otherPerson(c);
    if (who.isEmpty())
        who = tr("Someone else");
    QStringList theirs; // the fields they changed, as words inside a sentence
    for (const QVariant& field : fields) {
        const QVariantMap map = field.toMap();
        if (c.kind != ConflictKind::Fields ||
            map.value(QStringLiteral("theirs")) != map.value(QStringLiteral("base"))) {
            theirs.append(FieldFormat::inSentence(map.value(QStringLiteral("label")).toString()));
        }
    }
    const QString what =
        theirs.isEmpty() ? tr("this record")
        : theirs.size() == 1
            ? tr("the %1").arg(theirs.first())
            : tr("the %1 and %2")
                  .arg(theirs.mid(0, theirs.size() - 1).join(QStringLiteral(", ")), theirs.last());
    if (c.kind == ConflictKind::Deleted)
        return tr("%1 deleted this record while your changes waited to be sent. Resolve to "
                  "bring it back with them, or let it go.")
            .arg(who);
    if (c.kind == ConflictKind::Changed)
        return tr("%1 changed %2 after you deleted it here. Resolve to delete it anyway, or "
                  "keep it.")
            .arg(who, what);
    return tr("%1 changed %2 while your edit waited to be sent. Nothing is overwritten until "
              "you choose.")
        .arg(who, what);
}

int ConflictModel::rowOfRecord(const QString& module, const QString& recordId) const
{
    for (qsizetype row = 0; row < m_conflicts.size(); ++row) {
        const OutboxEntry& entry = m_conflicts.at(row).entry;
        if (entry.module == module && entry.recordId == recordId)
            return static_cast<int>(row);
    }
    return -1;
}

ConflictModel::ConflictModel(ClientCore& core, QObject* parent)
    : StoreListModel(parent), m_core(core)
{
    connect(&core, &ClientCore::localStateChanged, this, &ConflictModel::refresh);
    m_conflicts = m_core.store().problems().conflicts();
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
        const QString what = recordTitle(c);
        const QString who = otherPerson(c);
        if (c.kind == ConflictKind::Deleted)
            return who.isEmpty() ? tr("%1, which you edited, was deleted by someone else").arg(what)
                                 : tr("%1 deleted %2, which you edited").arg(who, what);
        if (c.kind == ConflictKind::Changed)
            return who.isEmpty() ? tr("Someone changed %1 after you last saw it").arg(what)
                                 : tr("%1 changed %2 after you last saw it").arg(who, what);
        return who.isEmpty() ? tr("Someone else changed %1 at the same time as you").arg(what)
                             : tr("%1 changed %2 at the same time as you").arg(who, what);
    }
    case RecordTitleRole:
        return recordTitle(c);
    case SummaryRole:
        return summary(c, data(index, FieldsRole).toList());
    case ByRole:
        return otherPerson(c);
    case ConflictIdRole:
        return c.id;
    case ModuleRole:
        return c.entry.module;
    case RecordIdRole:
        return c.entry.recordId;
    case KindRole:
        return conflictKindName(c.kind);
    case FieldsRole: {
        QVariantList fields;
        if (c.kind == ConflictKind::Changed) {
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
        if (c.kind == ConflictKind::Deleted) {
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
    names.insert(RecordTitleRole, "recordTitle");
    names.insert(SummaryRole, "summary");
    return names;
}

void ConflictModel::refresh()
{
    syncRows(m_conflicts, m_core.store().problems().conflicts(),
             [](const ConflictEntry& c) { return c.id; });
}

} // namespace crm
