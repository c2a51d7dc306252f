#include "ui/recorddraft.h"

#include "ui/fieldinput.h"

namespace crm {

RecordDraft RecordDraft::of(const QList<FieldInput*>& inputs, const QJsonObject& shown)
{
    RecordDraft draft;
    for (FieldInput* input : inputs) {
        if (!input->isEditable())
            continue;
        const QString name = input->field().name;
        if (const QString invalid = input->invalidText(); !invalid.isEmpty()) {
            draft.m_typed.insert(name, invalid);
            draft.m_base.insert(name, shown.value(name));
        } else if (const auto value = input->value(); value && *value != shown.value(name)) {
            draft.m_values.insert(name, *value);
            draft.m_base.insert(name, shown.value(name));
        }
    }
    return draft;
}

QJsonObject RecordDraft::restoreInto(const QList<FieldInput*>& inputs,
                                     const QJsonObject& shown) const
{
    QJsonObject changedSince;
    for (FieldInput* input : inputs) {
        const QString name = input->field().name;
        if (!input->isEditable() || !m_base.contains(name))
            continue;
        if (m_typed.contains(name))
            input->type(m_typed.value(name));
        else
            input->edit(m_values.value(name));
        // Changed by someone else since the agent typed it: the draft must not hide that.
        if (shown.value(name) != m_base.value(name))
            changedSince.insert(name, shown.value(name));
    }
    return changedSince;
}

} // namespace crm
