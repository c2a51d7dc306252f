#pragma once

#include <QLocale>
#include <QString>
#include <QVariant>

namespace crm {

struct FieldSpec;

// A field's value as one short phrase for a sentence ("$465,000", "1/22/27", "Pending"), the
// way the table shows it; for notifications and other text that is read, not edited. Lives in
// models/ so that the notification model can say "before -> after" without linking Widgets.
class FieldFormat
{
public:
    static QString display(const FieldSpec& field, const QVariant& value,
                           const QLocale& locale = QLocale());
    // "in-progress" -> "In progress"
    static QString enumLabel(const QString& value);
    // A field label inside a sentence: "Purchase price" -> "purchase price", "MLS number" stays.
    static QString inSentence(const QString& label);
};

} // namespace crm
