#include "ui/connectionbadge.h"

#include "models/syncstatus.h"

#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QStyleOptionToolButton>

namespace crm {

ConnectionBadge::ConnectionBadge(SyncStatus* status, QWidget* parent)
    : QToolButton(parent), m_status(status)
{
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setPopupMode(QToolButton::InstantPopup);
    setAutoRaise(true);
    setAccessibleName(tr("Connection status"));

    auto* menu = new QMenu(this);
    m_detailAction = menu->addAction(QString());
    m_detailAction->setEnabled(false);
    menu->addSeparator();
    m_reconnectAction = menu->addAction(tr("Reconnect now"));
    m_reconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reconnectAction->setShortcutContext(Qt::ApplicationShortcut);
    addAction(m_reconnectAction);
    connect(m_reconnectAction, &QAction::triggered, status, &SyncStatus::reconnectNow);
    setMenu(menu);

    m_retryAction = new QAction(tr("Retry now"), this);
    m_retryAction->setToolTip(tr("Try to reconnect now instead of waiting"));
    connect(m_retryAction, &QAction::triggered, status, &SyncStatus::reconnectNow);

    connect(status, &SyncStatus::changed, this, &ConnectionBadge::refresh);
    refresh();
}

QColor ConnectionBadge::levelColor() const
{
    switch (m_status->level()) {
    case SyncStatus::Level::Live:
        return QColor(0x2e, 0xa0, 0x43);
    case SyncStatus::Level::Working:
        return QColor(0x3b, 0x82, 0xf6);
    case SyncStatus::Level::Trouble:
        return QColor(0xe0, 0x9b, 0x15);
    case SyncStatus::Level::Offline:
        return QColor(0x8a, 0x8f, 0x98);
    case SyncStatus::Level::ActionNeeded:
        return QColor(0xd9, 0x3f, 0x3f);
    }
    return Qt::gray;
}

void ConnectionBadge::refresh()
{
    if (!m_status)
        return;
    const qreal dpr = devicePixelRatioF();
    const int size = 12;
    QPixmap dot(QSize(size, size) * dpr);
    dot.setDevicePixelRatio(dpr);
    dot.fill(Qt::transparent);
    QPainter painter(&dot);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(levelColor());
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    painter.end();
    setIcon(QIcon(dot));

    setText(m_status->label());
    QString detail = m_status->detail();
    if (m_status->latencyMs() >= 0 && m_status->level() == SyncStatus::Level::Live)
        detail = tr("%1 - round trip %2 ms").arg(detail).arg(m_status->latencyMs());
    m_detailAction->setText(detail);
    setToolTip(detail);
    setAccessibleDescription(detail);
    m_reconnectAction->setEnabled(m_status->canReconnectNow());
    m_retryAction->setVisible(m_status->state() == ConnectionState::Reconnecting);
}

void ConnectionBadge::initStyleOption(QStyleOptionToolButton* option) const
{
    QToolButton::initStyleOption(option);
    option->features &= ~QStyleOptionToolButton::HasMenu;
}

} // namespace crm
