#pragma once

#include <QWidget>

namespace crm {

// A column of notices (toasts, task cards) that sizes itself to its content and fits a height
// it is given: what does not fit waits out of sight (the oldest first), so a short window never
// shows half a card. A NoticeArea places the stacks and hands out the heights.
class NoticeStack : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    void setHeightLimit(int height)
    {
        if (height == m_heightLimit)
            return;
        m_heightLimit = height;
        relayout();
    }
    int heightLimit() const { return m_heightLimit; }

signals:
    // The stack's size or visibility changed: whoever places it places it again.
    void contentChanged();

protected:
    virtual void relayout() = 0;
    void resizeEvent(QResizeEvent* event) override
    {
        QWidget::resizeEvent(event);
        relayout(); // a new width from the area: the texts wrap anew
    }

private:
    int m_heightLimit = QWIDGETSIZE_MAX;
};

} // namespace crm
