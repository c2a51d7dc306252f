#pragma once

#include <QWidget>

class QSystemTrayIcon;

namespace crm {

class NotificationModel;

// In-app toasts in a corner of the window: each new notification slides in on top of the stack,
// hides by itself after a few seconds (longer for conflicts and refusals, which need the
// agent), at most maxVisible at once (the oldest makes room), and clicking one opens its record.
// When the window is not active, the same notification also goes to the system tray.
class ToastStack : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kShowMs = 5000;
    static constexpr int kShowMsNeedsAction = 10000;

    explicit ToastStack(NotificationModel* notifications, QWidget* window);

    void setMaxVisible(int count) { m_maxVisible = std::max(1, count); }
    void setDurations(int showMs, int needsActionMs)
    {
        m_showMs = showMs;
        m_needsActionMs = needsActionMs;
    }
    int visibleToasts() const;
    QStringList toastTexts() const;
    // Whether notifications also go to the system tray when the window is not active.
    void setTrayEnabled(bool enabled);
    void setToastsEnabled(bool enabled) { m_toastsEnabled = enabled; }
    void setSoundEnabled(bool enabled) { m_sound = enabled; }

signals:
    void openRecord(const QString& module, const QString& recordId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void add(int kind, const QString& title, const QString& module, const QString& recordId);
    void relayout();

    int m_maxVisible = 3;
    int m_showMs = kShowMs;
    int m_needsActionMs = kShowMsNeedsAction;
    bool m_tray = true;
    bool m_toastsEnabled = true;
    bool m_sound = false;
    QSystemTrayIcon* m_trayIcon = nullptr; // made on first use
    QList<QWidget*> m_toasts;              // newest first
};

} // namespace crm
