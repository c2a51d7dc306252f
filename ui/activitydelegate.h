#pragma once

#include "ui/twolinedelegate.h"

#include <QLocale>

namespace crm {

// One activity entry in two lines: who did what (and when, on the right), then each changed
// field as "Label: before → after" in the locale's formats.
class ActivityDelegate : public TwoLineDelegate
{
    Q_OBJECT
public:
    using TwoLineDelegate::TwoLineDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    // "Purchase price: $525,000 → $612,500; Status: Open → Pending"
    static QString changesText(const QModelIndex& index, const QLocale& locale);
};

} // namespace crm
