#include "models/fieldformat.h"

#include "protocol/recordschema.h"

#include <cmath>
#include <QCoreApplication>
#include <QDate>
#include <QDateTime>

namespace crm {

QString FieldFormat::enumLabel(const QString& value)
{
    QString words = value;
    words.replace(u'-', u' ');
    if (!words.isEmpty())
        words[0] = words[0].toUpper();
    return words;
}

QString FieldFormat::inSentence(const QString& label)
{
    // An acronym ("MLS number") keeps its capitals; a plain word starts small mid-sentence.
    if (label.size() < 2 || label.at(1).isUpper())
        return label;
    QString text = label;
    text[0] = text[0].toLower();
    return text;
}

QString FieldFormat::display(const FieldSpec& field, const QVariant& value,
                             const QLocale& givenLocale)
{
    if (!value.isValid() || value.isNull() || value.toString().isEmpty())
        return {};
    // Amounts are read at a glance: always with thousands separators.
    QLocale locale = givenLocale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    using Type = FieldSpec::Type;
    switch (field.type) {
    case Type::Money: {
        const double amount = value.toDouble();
        return locale.toCurrencyString(amount, QStringLiteral("$"),
                                       amount == std::floor(amount) ? 0 : 2);
    }
    case Type::Number:
        return locale.toString(value.toDouble(), 'g', 6);
    case Type::Integer:
        return locale.toString(value.toLongLong());
    case Type::Date: {
        const QDate date = QDate::fromString(value.toString(), Qt::ISODate);
        return date.isValid() ? locale.toString(date, QLocale::ShortFormat) : value.toString();
    }
    case Type::DateTime: {
        const QDateTime at = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        return at.isValid() ? locale.toString(at.toLocalTime(), QLocale::ShortFormat)
                            : value.toString();
    }
    case Type::Enum:
        return enumLabel(value.toString());
    case Type::Bool:
        return value.toBool() ? QCoreApplication::translate("crm::FieldFormat", "Yes")
                              : QCoreApplication::translate("crm::FieldFormat", "No");
    default:
        return value.toString();
    }
}

} // namespace crm
