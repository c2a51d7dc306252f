#pragma once

#include <QStyledItemDelegate>

namespace crm {

// Paints one task of the history list in two lines: title (and agent) with its status and
// when it ran on the right; the step or error below, with a thin progress bar while it runs.
// Painted, not made of widgets, so a long history scrolls smoothly.
class TaskHistoryDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    static QString statusText(const QString& status);
};

} // namespace crm
