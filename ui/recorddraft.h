#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>

namespace crm {

class FieldInput;

// What an agent typed into a record's form and has not saved: the changed values, the text that
// is not a valid value yet ("12abc"), and what each of those fields held when they typed it, so
// that a draft coming back can say which of its fields someone else changed meanwhile.
class RecordDraft
{
public:
    // Everything in `inputs` that differs from `shown` (the values the form was filled with).
    static RecordDraft of(const QList<FieldInput*>& inputs, const QJsonObject& shown);

    bool isEmpty() const { return m_values.isEmpty() && m_typed.isEmpty(); }
    bool hasInvalidText() const { return !m_typed.isEmpty(); }
    // The changed fields that hold valid values: what Save would send.
    const QJsonObject& values() const { return m_values; }
    // Back into a form filled with `shown`, as if typed again. Returns the fields someone else
    // changed since the draft was made, with their value now.
    QJsonObject restoreInto(const QList<FieldInput*>& inputs, const QJsonObject& shown) const;

private:
    QJsonObject m_values;
    QHash<QString, QString> m_typed;
    QJsonObject m_base;
};

} // namespace crm
