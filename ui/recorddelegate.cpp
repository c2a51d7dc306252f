#include "ui/recorddelegate.h"

#include "models/fieldformat.h"
#include "models/recordtablemodel.h"
#include "models/userdirectorymodel.h"
#include "protocol/recordschema.h"

#include <QDate>
#include <QHeaderView>
#include <QPainter>
#include <QTableView>

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
    return FieldFormat::enumLabel(value);
}

QString RecordDelegate::format(const FieldSpec& field, const QVariant& value, const QLocale& locale)
{
    return FieldFormat::display(field, value, locale);
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
    if (field.derived) // the notes' text in a one-line cell: its start, on one line
        option->text = option->text.left(200).replace(u'\n', QStringLiteral(" / "));
    if (field.type == FieldSpec::Type::User && m_users) {
        const QString name = m_users->nameOf(option->text);
        if (!name.isEmpty())
            option->text = name;
    }
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
    if (index.column() != firstShownColumn(option.widget))
        return;
    const QColor edge = index.data(RecordTableModel::ConflictRole).toBool()     ? kConflict
                        : index.data(RecordTableModel::FailedRole).toBool()     ? kFailed
                        : index.data(RecordTableModel::RowPendingRole).toBool() ? kPending
                                                                                : QColor();
    if (!edge.isValid())
        return;
    const QRect mark(option.rect.left(), option.rect.top(), 4, option.rect.height());
    // On a selected row the highlight would swallow the mark (blue on blue): a line of the
    // base colour beside it keeps it visible whatever the theme's highlight.
    if (option.state & QStyle::State_Selected)
        painter->fillRect(mark.adjusted(0, 0, 2, 0), option.palette.color(QPalette::Base));
    painter->fillRect(mark, edge);
}

int RecordDelegate::firstShownColumn(const QWidget* widget)
{
    // The mark goes on the leftmost column the agent sees, whatever columns are hidden or moved.
    const auto* view = qobject_cast<const QTableView*>(widget);
    if (!view)
        return 0;
    const QHeaderView* header = view->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            return logical;
    }
    return 0;
}

} // namespace crm
