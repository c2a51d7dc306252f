#pragma once

#include "ui/noticestack.h"

namespace crm {

class NotificationModel;
class NoticeSurface;

// In-app toasts: each new notification appears at the bottom of the stack (nearest the
// editor's buttons, where the eye is after an edit), hides by itself after a few seconds
// (longer for conflicts and refusals, which need the agent), at most maxVisible at once (the
// oldest makes room, and so do toasts that do not fit the height given), and clicking one marks it
// read and opens its record. The stack only sizes itself; a NoticeArea places it. System
// notifications are DesktopNotifier's business.
class ToastStack : public NoticeStack
{
    Q_OBJECT
public:
    static constexpr int kShowMs = 5000;
    static constexpr int kShowMsNeedsAction = 10000;

    explicit ToastStack(NotificationModel* notifications, QWidget* parent = nullptr);

    void setMaxVisible(int count) { m_maxVisible = std::max(1, count); }
    void setDurations(int showMs, int needsActionMs)
    {
        m_showMs = showMs;
        m_needsActionMs = needsActionMs;
    }
    // Toasts on show (waiting ones, for lack of room, not counted), and all the toasts' texts.
    int visibleToasts() const;
    QStringList toastTexts() const;
    QList<NoticeSurface*> toasts() const { return m_toasts; }
    void setToastsEnabled(bool enabled) { m_toastsEnabled = enabled; }
    void setSoundEnabled(bool enabled) { m_sound = enabled; }

signals:
    void openRecord(const QString& module, const QString& recordId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void relayout() override;

private:
    void add(qint64 notificationId);
    void remove(NoticeSurface* toast);

    NotificationModel* m_model;
    int m_maxVisible = 3;
    int m_showMs = kShowMs;
    int m_needsActionMs = kShowMsNeedsAction;
    bool m_toastsEnabled = true;
    bool m_sound = false;
    bool m_busy = false;
    QList<NoticeSurface*> m_toasts; // newest first
};

} // namespace crm
