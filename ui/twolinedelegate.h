#pragma once

#include <QStyledItemDelegate>

namespace crm {

// What the feed-like lists share (activity, task history): a row is painted as two lines of
// text over the style's item background, in the selection's colours when selected, a dimmer
// colour for secondary text. Rows have one height, so long lists scroll without measuring.
class TwoLineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

protected:
    struct Row
    {
        QStyleOptionViewItem option;
        QColor text;
        QColor dim;
        QRect area;     // inside the margins
        int lineHeight; // one line of text
    };
    // Paints the background (selection, hover) and says where and in which colours to write.
    Row beginRow(QPainter* painter, const QStyleOptionViewItem& option,
                 const QModelIndex& index) const;
};

} // namespace crm
