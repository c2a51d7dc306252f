#pragma once

#include <QPointer>
#include <QToolButton>

namespace crm {

class SyncStatus;

// The always-visible sync badge: a coloured dot and a short label ("Live", "Reconnecting in
// 25 s - 2 changes waiting"). Clicking it shows the details and "Reconnect now".
class ConnectionBadge : public QToolButton
{
    Q_OBJECT
public:
    explicit ConnectionBadge(SyncStatus* status, QWidget* parent = nullptr);

    // "Retry now", visible only while a retry waits: one click, next to the badge, where the
    // agent already looks (the menu's "Reconnect now" is two clicks away).
    QAction* retryAction() const { return m_retryAction; }

protected:
    // Opens its menu on a click like any button: no menu arrow beside the text.
    void initStyleOption(QStyleOptionToolButton* option) const override;

private:
    void refresh();
    QColor levelColor() const;

    QPointer<SyncStatus> m_status;
    QAction* m_detailAction;
    QAction* m_reconnectAction;
    QAction* m_retryAction;
};

} // namespace crm
