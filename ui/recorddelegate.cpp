#include "ui/recorddelegate.h"

#include "models/recordtablemodel.h"
#include "models/schema/recordschema.h"

#include <QDate>
#include <QPainter>

namespace crm {

namespace {

const QColor kPending(0x3b, 0x82, 0xf6);  // blue: waiting to be sent
const QColor kFailed(0xdc, 0x26, 0x26);   // red: refused by the server
const QColor kConflict(0xf5, 0x9e, 0x0b); // amber: met someone else's change

} // namespace

RecordDelegate::RecordDelegate(const ModuleSpec& spec, QObject* parent)
    : QStyledItemDelegate(parent), m_spec(spec)
{}

QString RecordDelegate::enumLabel(const QString& value)
{
    QString words = value;
    words.replace(u'-', u' ');
    if (!words.isEmpty())
        words[0] = words[0].toUpper();
    return words;
}

QString RecordDelegate::format(const FieldSpec& field, const QVariant& value,
                               const QLocale& givenLocale)
{
    if (!value.isValid() || value.isNull())
        return {};
    // Amounts are read at a glance: always with thousands separators.
    QLocale locale = givenLocale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    using Type = FieldSpec::Type;
    switch (field.type) {
    case Type::Money:
        // Whole dollars read best in a table; the editor shows cents.
        return locale.toCurrencyString(value.toDouble(), QStringLiteral("$"),
                                       value.toDouble() == std::floor(value.toDouble()) ? 0 : 2);
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
        return value.toBool() ? QObject::tr("Yes") : QObject::tr("No");
    default:
        return value.toString();
    }
}

void RecordDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() < 0 || index.column() >= m_spec.fields.size())
        return;
    const FieldSpec& field = m_spec.fields.at(index.column());
    if (index.data(RecordTableModel::MaskedRole).toBool()) {
        option->text = QStringLiteral("•••");
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
        return;
    }
    option->text = format(field, index.data(Qt::EditRole), option->locale);
    using Type = FieldSpec::Type;
    if (field.type == Type::Money || field.type == Type::Number || field.type == Type::Integer)
        option->displayAlignment = Qt::AlignRight | Qt::AlignVCenter;
    if (index.data(RecordTableModel::PendingRole).toBool())
        option->font.setItalic(true); // shown, not yet confirmed
}

void RecordDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                           const QModelIndex& index) const
{
    if (index.data(RecordTableModel::RemoteChangedRole).toBool()) {
        QColor tint = option.palette.color(QPalette::Highlight);
        tint.setAlpha(40);
        painter->fillRect(option.rect, tint);
    }
    QStyledItemDelegate::paint(painter, option, index);
    if (index.column() != 0)
        return;
    const QColor edge = index.data(RecordTableModel::ConflictRole).toBool()     ? kConflict
                        : index.data(RecordTableModel::FailedRole).toBool()     ? kFailed
                        : index.data(RecordTableModel::RowPendingRole).toBool() ? kPending
                                                                                : QColor();
    if (edge.isValid())
        painter->fillRect(QRect(option.rect.left(), option.rect.top(), 3, option.rect.height()),
                          edge);
}

} // namespace crm
