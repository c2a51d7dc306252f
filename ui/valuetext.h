#pragma once

#include <QJsonValue>
#include <QLocale>
#include <QString>

namespace crm {

struct FieldSpec;

// Text an agent types into a field, read as exactly one value or refused with the reason, and
// values written back as text that reads as the same value again. The editor and the conflict
// dialog both read typed text here, so "what is saved is what is shown" holds in one place:
// nothing is dropped, clamped or guessed (no "12abc5x" read as 125, no 11 digits clamped to the
// maximum, no 13/45/27 rolled over into another date).
class ValueText
{
public:
    struct Reading
    {
        QJsonValue value; // Null for empty text
        QString problem;  // empty when the text is a valid value
        bool ok() const { return problem.isEmpty(); }
    };

    explicit ValueText(QLocale locale = {});

    Reading read(const FieldSpec& field, const QString& text) const;
    // The text the editor shows for a value: cents, four-digit years, the locale's separators.
    QString write(const FieldSpec& field, const QJsonValue& value) const;
    // What the field takes, said before it bites: "0 to 1,000,000,000", "1/15/2027 or
    // 2027-01-15", "up to 200 characters".
    QString hint(const FieldSpec& field) const;

private:
    Reading readNumber(const FieldSpec& field, const QString& text) const;
    Reading readDate(const FieldSpec& field, const QString& text) const;
    Reading readDateTime(const FieldSpec& field, const QString& text) const;
    QString number(double value) const;
    // The locale's short date format with a four-digit year: never ambiguous about the century.
    QString dateFormat() const;
    QString dateTimeFormat() const;

    QLocale m_locale;
};

} // namespace crm
