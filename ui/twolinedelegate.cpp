#include "ui/twolinedelegate.h"

#include <QApplication>
#include <QPainter>

namespace crm {

QSize TwoLineDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    return {300, option.fontMetrics.height() * 2 + 20};
}

TwoLineDelegate::Row TwoLineDelegate::beginRow(QPainter* painter,
                                               const QStyleOptionViewItem& option,
                                               const QModelIndex& index) const
{
    Row row{option, {}, {}, {}, option.fontMetrics.height()};
    initStyleOption(&row.option, index);
    row.option.text.clear();
    QStyle* style = row.option.widget ? row.option.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &row.option, painter, row.option.widget);
    const bool selected = row.option.state & QStyle::State_Selected;
    const QPalette& palette = row.option.palette;
    row.text = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    row.dim = selected ? row.text : palette.color(QPalette::PlaceholderText);
    row.area = row.option.rect.adjusted(10, 5, -10, -5);
    return row;
}

} // namespace crm
