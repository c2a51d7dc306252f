#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>

#ifdef CRM_HAVE_DBUS
#include <QDBusConnection>
#endif

class QSystemTrayIcon;
class QWidget;

namespace crm {

class NotificationModel;

// Notifications while the window is in the background go to the desktop: on Linux through the
// freedesktop notification service over D-Bus (org.freedesktop.Notifications), with a
// "default" action so that clicking the bubble opens the record; elsewhere, or when no such
// service answers, through the system tray's balloon; with neither, nowhere (the notification
// center and the toasts still have it). While the window is active the toasts say it already.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    enum class Route
    {
        None, // nothing sent (window active, turned off, or no service and no tray)
        DBus, // org.freedesktop.Notifications took it
        Tray, // QSystemTrayIcon::showMessage
    };
    Q_ENUM(Route)

    DesktopNotifier(NotificationModel* notifications, QWidget* window);
    ~DesktopNotifier() override;

    // Settings: "use system notifications when the window is in the background".
    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }
#ifdef CRM_HAVE_DBUS
    // The bus to find the notification service on (the session bus unless told otherwise).
    void setBus(const QDBusConnection& bus);
#endif
    // Where the last notification went, once its route is known (D-Bus answers asynchronously).
    Route lastRoute() const
    {
        return m_lastRoute;
    }

signals:
    void openRecord(const QString& module, const QString& recordId);
    // A notification took its route (for tests and logs).
    void routed(crm::DesktopNotifier::Route route);

private slots:
    void onActionInvoked(uint id, const QString& action);
    void onNotificationClosed(uint id, uint reason);

private:
    struct Target
    {
        qint64 notificationId = 0;
        QString module;
        QString recordId;
    };

    void notify(qint64 notificationId);
    void viaTray(const QString& title, const QString& body, bool warning, const Target& target);
    void open(const Target& target);
    void done(Route route);

    NotificationModel* m_model;
    QPointer<QWidget> m_window;
    bool m_enabled = true;
    Route m_lastRoute = Route::None;
    QSystemTrayIcon* m_tray = nullptr; // made on first use
    Target m_trayTarget;               // what the tray's last balloon is about
    QHash<uint, Target> m_shown;       // D-Bus notification id -> its record
#ifdef CRM_HAVE_DBUS
    QDBusConnection m_bus;
    void connectSignals();
    void disconnectSignals();
#endif
};

} // namespace crm
