#pragma once

#include "ui/twolinedelegate.h"

namespace crm {

// Paints one task of the history list in two lines: title (and agent) with its status and
// when it ran on the right; the step or error below, with a thin progress bar while it runs.
class TaskHistoryDelegate : public TwoLineDelegate
{
    Q_OBJECT
public:
    using TwoLineDelegate::TwoLineDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    static QString statusText(const QString& status);
};

} // namespace crm
