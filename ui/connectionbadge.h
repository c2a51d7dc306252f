#pragma once

#include <QPointer>
#include <QToolButton>

namespace crm {

class SyncStatus;

// The always-visible sync badge: a coloured dot and a short label ("Live", "Reconnecting in
// 4 s (attempt 3)"). Clicking it shows the details and "Reconnect now".
class ConnectionBadge : public QToolButton
{
    Q_OBJECT
public:
    explicit ConnectionBadge(SyncStatus* status, QWidget* parent = nullptr);

private:
    void refresh();
    QColor levelColor() const;

    QPointer<SyncStatus> m_status;
    QAction* m_detailAction;
    QAction* m_reconnectAction;
};

} // namespace crm
