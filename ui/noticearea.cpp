#include "ui/noticearea.h"

#include "ui/noticestack.h"
#include "ui/noticesurface.h"

#include <algorithm>
#include <QEvent>
#include <QMainWindow>
#include <QPainter>

namespace crm {

NoticeArea::NoticeArea(QWidget* window) : QWidget(window)
{
    setObjectName(QStringLiteral("noticeArea"));
    setAccessibleName(tr("Notices"));
    // Only the cards paint; between and around them the window shows.
    setAttribute(Qt::WA_NoSystemBackground);
    window->installEventFilter(this);
    hide();
}

void NoticeArea::setAnchor(QWidget* column, const QList<QWidget*>& keepClear)
{
    if (m_column)
        m_column->removeEventFilter(this);
    m_column = column;
    m_keepClear.clear();
    for (QWidget* widget : keepClear) {
        m_keepClear.append(widget);
        widget->installEventFilter(this);
    }
    if (column)
        column->installEventFilter(this); // a moved splitter moves the column
    relayout();
}

void NoticeArea::addStack(NoticeStack* stack, int level)
{
    stack->setParent(this);
    // Not events: a hidden area gets no resize or show events from its stacks.
    connect(stack, &NoticeStack::contentChanged, this, &NoticeArea::relayout);
    m_stacks.append({level, stack});
    std::stable_sort(m_stacks.begin(), m_stacks.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    relayout();
}

QRect NoticeArea::available() const
{
    QWidget* window = parentWidget();
    if (!window)
        return {};
    QRect area;
    if (m_column && m_column->isVisible() && m_column->width() > 0) {
        area = QRect(m_column->mapTo(window, QPoint(0, 0)), m_column->size());
    } else {
        // No column to float over: the bottom-right corner of the window's content.
        auto* main = qobject_cast<QMainWindow*>(window);
        QWidget* content = main && main->centralWidget() ? main->centralWidget() : window;
        const QRect all(content->mapTo(window, QPoint(0, 0)), content->size());
        area = QRect(all.right() - kPreferredWidth - 2 * kMargin, all.top(),
                     kPreferredWidth + 2 * kMargin, all.height());
    }
    int bottom = area.bottom();
    for (const auto& widget : m_keepClear) {
        if (!widget || !widget->isVisible())
            continue;
        const QRect r(widget->mapTo(window, QPoint(0, 0)), widget->size());
        if (r.intersects(area))
            bottom = std::min(bottom, r.top() - 1);
    }
    area.setBottom(bottom);
    return area.adjusted(kMargin, kMargin, -kMargin, -kMargin);
}

void NoticeArea::relayout()
{
    if (m_busy) {
        m_again = true;
        return;
    }
    m_busy = true;
    // Showing the area delivers the stacks' pending resizes, which may change their heights:
    // place again then, a bounded number of times.
    for (int round = 0; round < 3; ++round) {
        m_again = false;
        place();
        if (!m_again)
            break;
    }
    m_busy = false;
}

void NoticeArea::place()
{
    const QRect room = available();
    // Cards as wide as the room allows; the stacks carry the shadow's pad around them.
    const int pad = NoticeSurface::kShadowPad;
    const int cardWidth = std::max(160, std::min(kPreferredWidth, room.width()));
    // The share of the column notices may take; the form above it stays in sight.
    int left = std::min(room.height(), std::max(kMinHeight, room.height() * kShareOfColumn / 100));
    int height = 0;
    QList<NoticeStack*> shown;
    for (const auto& entry : std::as_const(m_stacks)) {
        NoticeStack* stack = entry.second;
        stack->setFixedWidth(cardWidth + 2 * pad);
        stack->setHeightLimit(left + 2 * pad); // bottom-up: what the lower ones left
        if (stack->isVisibleTo(this) && stack->height() > 2 * pad) {
            shown.append(stack);
            left = std::max(0, left - (stack->height() - 2 * pad) - pad);
            height += stack->height() - pad; // neighbours share one pad between them
        }
    }
    if (shown.isEmpty()) {
        hide();
        setCovered(0);
        return;
    }
    height += pad;
    const int areaHeight = std::min(height, room.height() + 2 * pad);
    setGeometry(room.right() + 1 - cardWidth - pad, room.bottom() + 1 + pad - areaHeight,
                cardWidth + 2 * pad, areaHeight);
    int y = areaHeight;
    for (NoticeStack* stack : std::as_const(shown)) {
        y -= stack->height();
        stack->move(0, y);
        y += pad;
    }
    show();
    raise();
    setCovered(areaHeight);
}

void NoticeArea::setCovered(int height)
{
    if (height == m_covered)
        return;
    m_covered = height;
    emit coveredChanged(height);
}

bool NoticeArea::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::Resize:
    case QEvent::Move:
    case QEvent::Show:
    case QEvent::Hide:
        if (watched == parentWidget() || watched == m_column ||
            m_keepClear.contains(qobject_cast<QWidget*>(watched)))
            relayout();
        break;
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void NoticeArea::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    QColor veil = palette().color(QPalette::Window);
    veil.setAlpha(235);
    painter.fillRect(rect(), veil);
}

} // namespace crm
