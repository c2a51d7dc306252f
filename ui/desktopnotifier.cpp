#include "ui/desktopnotifier.h"

#include "models/notificationmodel.h"
#include "ui/uilogging.h"

#include <QGuiApplication>
#include <QSystemTrayIcon>
#include <QWidget>

#ifdef CRM_HAVE_DBUS
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#endif

namespace crm {

namespace {

#ifdef CRM_HAVE_DBUS
const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
#endif
// The action the notification service reports when the bubble itself is clicked.
const QString kDefaultAction = QStringLiteral("default");

bool needsAction(NotificationModel::Kind kind)
{
    return kind == NotificationModel::Kind::Conflicted ||
           kind == NotificationModel::Kind::Refused || kind == NotificationModel::Kind::Access;
}

} // namespace

DesktopNotifier::DesktopNotifier(NotificationModel* notifications, QWidget* window)
    : QObject(window), m_model(notifications), m_window(window)
#ifdef CRM_HAVE_DBUS
      ,
      m_bus(QDBusConnection::sessionBus())
#endif
{
    connect(notifications, &NotificationModel::notified, this, &DesktopNotifier::notify);
#ifdef CRM_HAVE_DBUS
    connectSignals();
#endif
}

DesktopNotifier::~DesktopNotifier()
{
#ifdef CRM_HAVE_DBUS
    disconnectSignals();
#endif
}

#ifdef CRM_HAVE_DBUS
void DesktopNotifier::setBus(const QDBusConnection& bus)
{
    disconnectSignals();
    m_bus = bus;
    m_shown.clear();
    connectSignals();
}

void DesktopNotifier::connectSignals()
{
    if (!m_bus.isConnected())
        return;
    // Any sender: the service is whoever owns the well-known name now (it may start after us,
    // or restart), and the ids it reports are matched against the ones it gave us.
    m_bus.connect(QString(), kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(QString(), kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(uint, uint)));
}

void DesktopNotifier::disconnectSignals()
{
    if (!m_bus.isConnected())
        return;
    m_bus.disconnect(QString(), kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                     SLOT(onActionInvoked(uint, QString)));
    m_bus.disconnect(QString(), kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                     SLOT(onNotificationClosed(uint, uint)));
}
#endif

void DesktopNotifier::notify(qint64 notificationId)
{
    // The window in front shows toasts; the desktop is for when the agent is elsewhere.
    if (!m_enabled || !m_window || m_window->isActiveWindow())
        return;
    const QModelIndex index = m_model->index(m_model->rowOfId(notificationId));
    if (!index.isValid())
        return;
    const QString title = index.data(NotificationModel::TitleRole).toString();
    const QString body = index.data(NotificationModel::DetailRole).toString();
    const bool warning =
        needsAction(index.data(NotificationModel::KindRole).value<NotificationModel::Kind>());
    const Target target{notificationId, index.data(NotificationModel::ModuleRole).toString(),
                        index.data(NotificationModel::RecordIdRole).toString()};
#ifdef CRM_HAVE_DBUS
    if (m_bus.isConnected()) {
        QDBusMessage call =
            QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
        const QVariantMap hints{
            {QStringLiteral("desktop-entry"), QStringLiteral("crm-desktop")},
            // Normal, even for a conflict: critical would stay on screen through Do Not
            // Disturb; the conflict waits in the window and its badge anyway.
            {QStringLiteral("urgency"), QVariant::fromValue<uchar>(1)},
        };
        // Servers may read the body as markup: a record named "<b>" must stay text.
        call << QGuiApplication::applicationDisplayName() << uint(0)
             << QStringLiteral("crm-desktop") << title << body.toHtmlEscaped()
             << QStringList{kDefaultAction, tr("Open")} << hints << int(-1);
        auto* watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this,
                [this, watcher, title, body, warning, target] {
                    watcher->deleteLater();
                    const QDBusPendingReply<uint> reply = *watcher;
                    if (reply.isError()) {
                        qCInfo(lcUiNotify)
                            << "no desktop notification service:" << reply.error().message()
                            << "- trying the tray";
                        viaTray(title, body, warning, target);
                        return;
                    }
                    m_shown.insert(reply.value(), target);
                    done(Route::DBus);
                });
        return;
    }
#endif
    viaTray(title, body, warning, target);
}

void DesktopNotifier::viaTray(const QString& title, const QString& body, bool warning,
                              const Target& target)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        done(Route::None); // the notification center still has it
        return;
    }
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(m_window ? m_window->windowIcon() : QIcon(), this);
        m_tray->setToolTip(QGuiApplication::applicationDisplayName());
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] { open(m_trayTarget); });
        m_tray->show();
    }
    m_trayTarget = target;
    m_tray->showMessage(title, body.isEmpty() ? title : body,
                        warning ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
    done(Route::Tray);
}

void DesktopNotifier::onActionInvoked(uint id, const QString& action)
{
    if (action != kDefaultAction || !m_shown.contains(id))
        return;
    open(m_shown.take(id));
}

void DesktopNotifier::onNotificationClosed(uint id, uint)
{
    m_shown.remove(id);
}

void DesktopNotifier::open(const Target& target)
{
    m_model->markRead(m_model->rowOfId(target.notificationId));
    if (m_window) {
        // Back to the front (restored if minimised, kept maximised if it was), where the
        // record is about to show.
        m_window->setWindowState(m_window->windowState() & ~Qt::WindowMinimized);
        m_window->show();
        m_window->raise();
        m_window->activateWindow();
    }
    if (!target.module.isEmpty())
        emit openRecord(target.module, target.recordId);
}

void DesktopNotifier::done(Route route)
{
    m_lastRoute = route;
    emit routed(route);
}

} // namespace crm
