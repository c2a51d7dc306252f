#include "ui/valuetext.h"

#include "protocol/recordschema.h"

#include <cmath>
#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QRegularExpression>

namespace crm {

namespace {

using Type = FieldSpec::Type;

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("crm::ValueText", text, nullptr, n);
}

// Two-digit years land in the century that puts them nearest today (within 80 years back and
// 20 ahead), so "1/15/27" is 2027 and "3/2/64" a birthday in 1964; Qt alone reads both as 19xx.
QDate withCentury(QDate date)
{
    if (!date.isValid() || date.year() >= 100 + 1900 || date.year() < 1900)
        return date;
    const int today = QDate::currentDate().year();
    int year = (today / 100) * 100 + date.year() % 100;
    if (year > today + 20)
        year -= 100;
    else if (year < today - 80)
        year += 100;
    return QDate(year, date.month(), date.day());
}

QString fourDigitYear(QString format)
{
    if (!format.contains(QStringLiteral("yyyy")))
        format.replace(QStringLiteral("yy"), QStringLiteral("yyyy"));
    return format;
}

// The same format taking a two-digit year ("15/01/27" where the locale writes 15/01/2027) and
// one-digit days and months ("15.1.27" where it writes 15.01.27).
QString relaxed(QString format, bool twoDigitYear)
{
    format.replace(QStringLiteral("dd"), QStringLiteral("d"));
    format.replace(QStringLiteral("MM"), QStringLiteral("M"));
    if (twoDigitYear)
        format.replace(QStringLiteral("yyyy"), QStringLiteral("yy"));
    return format;
}

} // namespace

ValueText::ValueText(QLocale locale) : m_locale(std::move(locale))
{
    // Amounts are read at a glance, so they always carry their thousands separators.
    m_locale.setNumberOptions(m_locale.numberOptions() & ~QLocale::OmitGroupSeparator);
}

QString ValueText::dateFormat() const
{
    return fourDigitYear(m_locale.dateFormat(QLocale::ShortFormat));
}

QString ValueText::dateTimeFormat() const
{
    return fourDigitYear(m_locale.dateTimeFormat(QLocale::ShortFormat));
}

QString ValueText::number(double value) const
{
    return m_locale.toString(value, 'f', QLocale::FloatingPointShortest);
}

ValueText::Reading ValueText::read(const FieldSpec& field, const QString& typed) const
{
    const QString text = typed.trimmed();
    switch (field.type) {
    case Type::Money:
    case Type::Number:
    case Type::Integer:
        return text.isEmpty() ? Reading{QJsonValue::Null, {}} : readNumber(field, text);
    case Type::Date:
        return text.isEmpty() ? Reading{QJsonValue::Null, {}} : readDate(field, text);
    case Type::DateTime:
        return text.isEmpty() ? Reading{QJsonValue::Null, {}} : readDateTime(field, text);
    default:
        break;
    }
    if (text.isEmpty())
        return {QJsonValue::Null, {}};
    // Text is kept as typed (only the ends trimmed); too long is refused, never cut.
    if (text.size() > field.maxLength)
        return {{},
                tr("%n character(s) too long: at most %1",
                   static_cast<int>(text.size()) - field.maxLength)
                    .arg(m_locale.toString(field.maxLength))};
    QJsonValue value(text);
    if (const auto refused = RecordSchema::checkField(field, value))
        return {{},
                field.type == Type::Email   ? tr("Not an email address")
                : field.type == Type::Phone ? tr("Not a phone number")
                                            : refused->message};
    return {value, {}};
}

ValueText::Reading ValueText::readNumber(const FieldSpec& field, const QString& text) const
{
    QString digits = text;
    // The currency sign and spaces the editor itself writes ("$ 450,000.00") read back.
    if (field.type == Type::Money) {
        digits.remove(QStringLiteral("$"));
        digits.remove(m_locale.currencySymbol());
    }
    digits.remove(QRegularExpression(QStringLiteral("\\s")));
    bool ok = false;
    // No exponents: "1e5" would be saved as 100,000 while the field shows "1e5".
    double value = digits.contains(u'e', Qt::CaseInsensitive) ? 0 : m_locale.toDouble(digits, &ok);
    // "450000.50" where the decimal point is a comma; never where '.' groups thousands
    // (de_DE), or "1.500" and "1.50" would mean 1500 and 1.5.
    if (!ok && !digits.contains(u'e', Qt::CaseInsensitive) &&
        m_locale.groupSeparator() != QStringLiteral("."))
        value = QLocale::c().toDouble(digits, &ok);
    if (!ok || !std::isfinite(value))
        return {{}, tr("\"%1\" is not a number").arg(text)};
    if (field.type == Type::Integer && value != std::floor(value))
        return {{}, tr("Must be a whole number")};
    if (field.type == Type::Money && !RecordSchema::isWholeCents(value))
        return {{}, tr("At most two decimals (cents)")};
    if (field.min && value < *field.min)
        return {{}, tr("Must be at least %1").arg(number(*field.min))};
    if (field.max && value > *field.max)
        return {{}, tr("Must be at most %1").arg(number(*field.max))};
    if (field.type == Type::Integer)
        return {QJsonValue(static_cast<qint64>(value)), {}};
    return {QJsonValue(value), {}};
}

ValueText::Reading ValueText::readDate(const FieldSpec& field, const QString& text) const
{
    static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    QDate date;
    if (iso.match(text).hasMatch())
        date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid()) {
        date = m_locale.toDate(text, relaxed(dateFormat(), false));
        if (date.isValid() && date.year() < 1900) // "1/15/0027": a typo, not the year 27
            date = {};
    }
    if (!date.isValid())
        date = withCentury(m_locale.toDate(text, relaxed(dateFormat(), true)));
    if (!date.isValid())
        return {{},
                tr("Not a date: type it as %1 or %2")
                    .arg(m_locale.toString(QDate(2027, 1, 15), dateFormat()),
                         QStringLiteral("2027-01-15"))};
    Q_UNUSED(field)
    return {QJsonValue(date.toString(Qt::ISODate)), {}};
}

ValueText::Reading ValueText::readDateTime(const FieldSpec& field, const QString& text) const
{
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid())
        at = m_locale.toDateTime(text, dateTimeFormat());
    if (!at.isValid()) {
        at = m_locale.toDateTime(text, m_locale.dateTimeFormat(QLocale::ShortFormat));
        if (at.isValid())
            at.setDate(withCentury(at.date()));
    }
    if (!at.isValid())
        return {{},
                tr("Not a date and time: type it as %1 or %2")
                    .arg(m_locale.toString(QDateTime(QDate(2027, 1, 15), QTime(14, 30)),
                                           dateTimeFormat()),
                         QStringLiteral("2027-01-15T14:30"))};
    Q_UNUSED(field)
    return {QJsonValue(at.toUTC().toString(Qt::ISODate)), {}};
}

QString ValueText::write(const FieldSpec& field, const QJsonValue& value) const
{
    if (value.isNull() || value.isUndefined())
        return {};
    switch (field.type) {
    case Type::Money:
        return QStringLiteral("$ ") + m_locale.toString(value.toDouble(), 'f', 2);
    case Type::Number:
        return number(value.toDouble());
    case Type::Integer:
        return m_locale.toString(static_cast<qint64>(value.toDouble()));
    case Type::Date: {
        const QDate date = QDate::fromString(value.toString(), Qt::ISODate);
        return date.isValid() ? m_locale.toString(date, dateFormat()) : value.toString();
    }
    case Type::DateTime: {
        const QDateTime at = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        return at.isValid() ? m_locale.toString(at.toLocalTime(), dateTimeFormat())
                            : value.toString();
    }
    default:
        return value.toVariant().toString();
    }
}

QString ValueText::hint(const FieldSpec& field) const
{
    switch (field.type) {
    case Type::Money:
    case Type::Number:
    case Type::Integer: {
        const QString sign = field.type == Type::Money ? QStringLiteral("$ ") : QString();
        if (field.min && field.max)
            return tr("%1%2 to %1%3").arg(sign, number(*field.min), number(*field.max));
        if (field.max)
            return tr("Up to %1%2").arg(sign, number(*field.max));
        return field.min ? tr("At least %1%2").arg(sign, number(*field.min)) : QString();
    }
    case Type::Date:
        return tr("%1 or %2")
            .arg(m_locale.toString(QDate(2027, 1, 15), dateFormat()), QStringLiteral("2027-01-15"));
    case Type::DateTime:
        return m_locale.toString(QDateTime(QDate(2027, 1, 15), QTime(14, 30)), dateTimeFormat());
    case Type::Text:
        return tr("Up to %1 characters").arg(m_locale.toString(field.maxLength));
    default:
        return {};
    }
}

} // namespace crm
