#include "ui/toaststack.h"

#include "models/notificationmodel.h"

#include <QApplication>
#include <QEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QVBoxLayout>

namespace crm {

namespace {

constexpr int kWidth = 340;
constexpr int kMargin = 12;

} // namespace

ToastStack::ToastStack(NotificationModel* notifications, QWidget* window) : QWidget(window)
{
    setAttribute(Qt::WA_TransparentForMouseEvents, false);
    setAccessibleName(tr("Notifications"));
    connect(
        notifications, &NotificationModel::notified, this,
        [this](NotificationModel::Kind kind, const QString& title, const QString& module,
               const QString& recordId) { add(static_cast<int>(kind), title, module, recordId); });
    window->installEventFilter(this); // follow the window's size
    hide();
}

void ToastStack::setTrayEnabled(bool enabled)
{
    m_tray = enabled;
}

int ToastStack::visibleToasts() const
{
    return static_cast<int>(m_toasts.size());
}

QStringList ToastStack::toastTexts() const
{
    QStringList texts;
    for (QWidget* toast : m_toasts)
        texts.append(toast->findChild<QLabel*>()->text());
    return texts;
}

void ToastStack::add(int kind, const QString& title, const QString& module, const QString& recordId)
{
    const auto what = static_cast<NotificationModel::Kind>(kind);
    const bool needsAction = what == NotificationModel::Kind::Conflicted ||
                             what == NotificationModel::Kind::Refused ||
                             what == NotificationModel::Kind::Access;
    if (m_sound)
        QApplication::beep();
    QWidget* window = parentWidget();
    if (m_tray && window && !window->isActiveWindow() && QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_trayIcon) {
            m_trayIcon = new QSystemTrayIcon(window->windowIcon(), this);
            m_trayIcon->show();
        }
        m_trayIcon->showMessage(tr("CRM Desktop"), title,
                                needsAction ? QSystemTrayIcon::Warning
                                            : QSystemTrayIcon::Information);
    }
    if (!m_toastsEnabled)
        return;
    auto* toast = new QWidget(this);
    toast->setObjectName(QStringLiteral("toast"));
    toast->setAttribute(Qt::WA_StyledBackground);
    toast->setStyleSheet(
        QStringLiteral("#toast { background: palette(tool-tip-base); border: 1px "
                       "solid palette(mid); border-left: 4px solid %1; "
                       "border-radius: 6px; }")
            .arg(needsAction ? QStringLiteral("#f59e0b") : QStringLiteral("#3b82f6")));
    auto* layout = new QVBoxLayout(toast);
    layout->setContentsMargins(14, 10, 12, 10);
    auto* label = new QLabel(title, toast);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::ToolTipText); // follows a theme change, unlike QSS
    layout->addWidget(label);
    toast->setAccessibleName(title);
    toast->setToolTip(tr("Click to open"));
    toast->setCursor(Qt::PointingHandCursor);
    toast->setProperty("module", module);
    toast->setProperty("recordId", recordId);
    toast->installEventFilter(this);
    toast->setFixedWidth(kWidth);
    m_toasts.prepend(toast);
    while (m_toasts.size() > m_maxVisible)
        delete m_toasts.takeLast(); // the oldest makes room
    auto* timer = new QTimer(toast);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, toast] {
        m_toasts.removeOne(toast);
        toast->deleteLater();
        relayout();
    });
    timer->start(needsAction ? m_needsActionMs : m_showMs);
    toast->show();
    relayout();
}

void ToastStack::relayout()
{
    QWidget* window = parentWidget();
    if (m_toasts.isEmpty() || !window) {
        hide();
        return;
    }
    int y = 0;
    for (QWidget* toast : std::as_const(m_toasts)) {
        toast->adjustSize();
        toast->move(0, y);
        y += toast->height() + 8;
    }
    resize(kWidth, y);
    move(window->width() - kWidth - kMargin, window->height() - y - kMargin - 24);
    show();
    raise();
}

void ToastStack::changeEvent(QEvent* event)
{
    // A theme change: style sheets resolve palette() once, so have the toasts resolve again.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        for (QWidget* toast : std::as_const(m_toasts))
            toast->setStyleSheet(toast->styleSheet());
    }
    QWidget::changeEvent(event);
}

bool ToastStack::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        relayout();
    if (event->type() == QEvent::MouseButtonRelease) {
        if (auto* toast = qobject_cast<QWidget*>(watched); toast && m_toasts.contains(toast)) {
            emit openRecord(toast->property("module").toString(),
                            toast->property("recordId").toString());
            m_toasts.removeOne(toast);
            toast->deleteLater();
            relayout();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace crm
