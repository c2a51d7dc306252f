// Toasts, task cards and notifications in a real crm-desktop window (real session, real server):
// where notices sit and that they are opaque in both themes, what a notification says and what
// a click on it does, and desktop notifications over a private D-Bus session bus with a stand-in
// org.freedesktop.Notifications service.
#include "app/desktopsession.h"
#include "models/notificationmodel.h"
#include "models/tasklistmodel.h"
#include "support/desktopfixture.h"
#include "support/serverfixture.h"
#include "ui/desktopnotifier.h"
#include "ui/mainwindow.h"
#include "ui/modulenavigator.h"
#include "ui/noticearea.h"
#include "ui/noticesurface.h"
#include "ui/notificationbell.h"
#include "ui/recordeditor.h"
#include "ui/taskcard.h"
#include "ui/taskcardstack.h"
#include "ui/theme.h"
#include "ui/toaststack.h"

#include <catch2/catch.hpp>
#include <QApplication>
#include <QImage>
#include <QListView>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTest>

#ifdef CRM_HAVE_DBUS
#include <QDBusConnection>
#endif

using namespace crm;
using namespace std::chrono_literals;
using test::createEscrow;
using test::Desktop;
using test::waitUntil;

namespace {

#ifdef CRM_HAVE_DBUS
// The freedesktop notification service, as much of it as crm-desktop uses: remembers each
// Notify call and answers with a new id. Emitting ActionInvoked plays the user's click.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
    };
    QList<Call> calls;

public slots:
    uint Notify(const QString&, uint, const QString&, const QString& summary, const QString& body,
                const QStringList& actions, const QVariantMap& hints, int)
    {
        calls.append({summary, body, actions, hints});
        return static_cast<uint>(100 + calls.size());
    }
    QStringList GetCapabilities() { return {QStringLiteral("actions"), QStringLiteral("body")}; }
    void CloseNotification(uint) {}

signals:
    void ActionInvoked(uint id, const QString& actionKey);
    void NotificationClosed(uint id, uint reason);
};

// A private session bus for one test, so no real desktop ever sees these notifications.
struct PrivateBus
{
    PrivateBus()
    {
        daemon.start(QStringLiteral("dbus-daemon"),
                     {QStringLiteral("--session"), QStringLiteral("--nofork"),
                      QStringLiteral("--print-address=1")});
        REQUIRE(daemon.waitForStarted());
        REQUIRE(waitUntil([&] { return daemon.canReadLine(); }));
        address = QString::fromUtf8(daemon.readLine()).trimmed();
        REQUIRE_FALSE(address.isEmpty());
    }
    ~PrivateBus()
    {
        for (const QString& name : names)
            QDBusConnection::disconnectFromBus(name);
        daemon.terminate();
        daemon.waitForFinished();
    }
    QDBusConnection connect(const QString& name)
    {
        names.append(name);
        QDBusConnection bus = QDBusConnection::connectToBus(address, name);
        REQUIRE(bus.isConnected());
        return bus;
    }

    QProcess daemon;
    QString address;
    QStringList names;
};
#endif

// The window in the background: another window of the app has the focus.
void sendToBackground(QWidget& other, MainWindow& window)
{
    other.resize(200, 100);
    other.show();
    other.activateWindow();
    REQUIRE(waitUntil([&] { return !window.isActiveWindow(); }));
}

QRect inWindow(QWidget* widget, QWidget* window)
{
    return QRect(widget->mapTo(window, QPoint(0, 0)), widget->size());
}

// Every notice showing: the toasts and the task cards that are not folded out of sight.
QList<QWidget*> notices(MainWindow& window)
{
    QList<QWidget*> all;
    for (auto* toast : window.findChild<ToastStack*>()->toasts())
        all.append(toast);
    for (auto* card : window.taskCards()->cards()) {
        if (card->isVisibleTo(&window))
            all.append(card);
    }
    return all;
}

void checkPlacesAndSurfaces(MainWindow& window, const QString& shot)
{
    auto* navigator = window.findChild<ModuleNavigator*>();
    auto* table = window.pane(0)->findChild<QTableView*>();
    REQUIRE(navigator);
    REQUIRE(table);
    QPushButton* save = nullptr;
    for (auto* b : window.editor()->findChildren<QPushButton*>(Qt::FindDirectChildrenOnly)) {
        if (b->isDefault())
            save = b;
    }
    REQUIRE(save);
    const QRect modules = inWindow(navigator, &window);
    // The rows the agent reads: every visible row of the table's viewport.
    QRect rows;
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QRect r = table->visualRect(table->model()->index(row, 0));
        if (r.intersects(table->viewport()->rect()))
            rows |= QRect(table->viewport()->mapTo(&window, QPoint(0, r.top())),
                          QSize(table->viewport()->width(), r.height()));
    }
    const QRect viewport = inWindow(table->viewport(), &window);
    const QRect saveRect = inWindow(save, &window);
    // A theme change reaches the widgets through events: wait until the window has it.
    REQUIRE(waitUntil([&] {
        return window.palette().color(QPalette::Window) ==
               QApplication::palette().color(QPalette::Window);
    }));
    const QImage picture = window.grab().toImage();
    const QString folder = qEnvironmentVariable("CRM_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        picture.save(folder + u'/' + shot);
    const QColor surface = NoticeSurface::surfaceColor(window.palette());
    const QList<QWidget*> shown = notices(window);
    REQUIRE(shown.size() >= 2);
    for (QWidget* notice : shown) {
        const QRect r = inWindow(notice, &window);
        INFO(notice->objectName().toStdString()
             << " at " << r.x() << "," << r.y() << " " << r.width() << "x" << r.height());
        CHECK(window.rect().contains(r));
        CHECK_FALSE(r.intersects(modules));
        CHECK_FALSE(r.intersects(rows));
        CHECK_FALSE(r.intersects(viewport));
        CHECK_FALSE(r.intersects(saveRect));
        // Opaque: inside the card's right margin the surface colour, not what lies beneath.
        const QPoint inside(r.right() - 5, r.center().y());
        CHECK(picture.pixelColor(inside).name() == surface.name());
    }
}

} // namespace

TEST_CASE("Toasts and task cards: a solid themed surface in the editor's column, clear of the "
          "modules, the table's rows and Save, in the light and the dark theme",
          "[ui][notices]")
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    auto* toasts = ana.window->findChild<ToastStack*>();
    REQUIRE(toasts);
    toasts->setDurations(600000, 600000); // they stay while the test looks
    for (int i = 0; i < 30; ++i)          // rows that fill the table's viewport
        createEscrow(ana, QStringLiteral("ESC-%1").arg(26800 + i), 400000 + i * 1000);
    const QString id = createEscrow(ana, QStringLiteral("ESC-26867"), 450000);
    ana.escrows()->selectRecord(id);

    // A running agent task (a card) and a teammate's two changes (toasts).
    test::Agent bot(server, server.ana, test::newId());
    bot.connect();
    std::optional<AckOutcome> outcome;
    bot.manager.emitWithAck(
        QStringLiteral("task:start"),
        {QJsonObject{{QStringLiteral("kind"), QStringLiteral("agent")},
                     {QStringLiteral("title"), QStringLiteral("Open escrow ESC-2040")}}},
        [&](const AckOutcome& o) { outcome = o; });
    REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    REQUIRE(
        benTable->updateRecord(benTable->rowOf(id), {{QStringLiteral("purchasePrice"), 465000}}));
    REQUIRE(waitUntil([&] { return ben.session.store().outbox().count() == 0; }));
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("status"), QStringLiteral("pending")},
                                    {QStringLiteral("closeDate"), QStringLiteral("2027-01-22")}}));
    REQUIRE(waitUntil([&] {
        return toasts->visibleToasts() == 2 && ana.window->taskCards()->cards().size() == 1;
    }));
    CHECK(toasts->toastTexts().contains(QStringLiteral(
        "ben changed the purchase price of your escrow “ESC-26867”: $450,000 → $465,000")));

    checkPlacesAndSurfaces(*ana.window, QStringLiteral("notices-light.png"));
    applyTheme(QStringLiteral("dark"));
    checkPlacesAndSurfaces(*ana.window, QStringLiteral("notices-dark.png"));
    // A narrow window: the column narrows, the notices with it, still clear of everything.
    ana.window->resize(1000, 640);
    REQUIRE(waitUntil([&] { return ana.window->width() == 1000; }));
    checkPlacesAndSurfaces(*ana.window, QStringLiteral("notices-narrow-dark.png"));
    applyTheme(QStringLiteral("system"));
}

TEST_CASE("A click on a toast marks its notification read and opens the record, and the "
          "notification center sets read ones in regular type",
          "[ui][notifications]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    auto* toasts = ana.window->findChild<ToastStack*>();
    toasts->setDurations(600000, 600000);
    const QString other = createEscrow(ana, QStringLiteral("ESC-OTHER"), 1);
    const QString id = createEscrow(ana, QStringLiteral("ESC-CLICK"), 1);
    ana.escrows()->selectRecord(other);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("status"), QStringLiteral("pending")}}));
    NotificationModel& notes = ana.session.notifications();
    REQUIRE(waitUntil([&] { return toasts->visibleToasts() == 1; }));
    REQUIRE(notes.unreadCount() == 1);

    // The center: unread in bold (wider), read in regular type.
    auto* bell = ana.window->findChild<NotificationBell*>();
    QListView* list = bell->list();
    QStyleOptionViewItem option;
    option.initFrom(list);
    option.features |= QStyleOptionViewItem::WrapText;
    const int unreadWidth = list->itemDelegate()->sizeHint(option, notes.index(0)).width();

    QSignalSpy opened(toasts, &ToastStack::openRecord);
    QTest::mouseClick(toasts->toasts().first(), Qt::LeftButton);
    REQUIRE(opened.count() == 1);
    CHECK(ana.window->editor()->recordId() == id);
    CHECK(notes.unreadCount() == 0);
    CHECK(notes.index(0).data(NotificationModel::ReadRole).toBool());
    CHECK(bell->text() == QStringLiteral("Notifications"));
    CHECK(toasts->visibleToasts() == 0);
    CHECK(list->itemDelegate()->sizeHint(option, notes.index(0)).width() < unreadWidth);
}

#ifdef CRM_HAVE_DBUS
TEST_CASE("Desktop notifications: in the background they go to org.freedesktop.Notifications "
          "with an Open action that opens the record, and fall back quietly",
          "[ui][notifications][dbus]")
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); // as crm-desktop does
    PrivateBus bus;
    QDBusConnection serviceBus = bus.connect(QStringLiteral("fake-notification-service"));
    FakeNotifications service;
    REQUIRE(serviceBus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &service,
                                      QDBusConnection::ExportAllSlots |
                                          QDBusConnection::ExportAllSignals));
    REQUIRE(serviceBus.registerService(QStringLiteral("org.freedesktop.Notifications")));

    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    auto* notifier = ana.window->findChild<DesktopNotifier*>();
    REQUIRE(notifier);
    notifier->setBus(bus.connect(QStringLiteral("crm-desktop")));
    QSignalSpy routed(notifier, &DesktopNotifier::routed);
    const QString other = createEscrow(ana, QStringLiteral("ESC-ELSEWHERE"), 1);
    const QString id = createEscrow(ana, QStringLiteral("ESC-26867"), 450000);
    ana.escrows()->selectRecord(other);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    NotificationModel& notes = ana.session.notifications();
    // Ben changes the escrow; Ana's window has taken the notification when this returns.
    auto change = [&](const QJsonObject& fields) {
        const int before = notes.rowCount();
        REQUIRE(benTable->updateRecord(benTable->rowOf(id), fields));
        REQUIRE(waitUntil([&] { return notes.rowCount() == before + 1; }));
    };

    // In front: the toasts say it, the desktop is not bothered.
    ana.window->activateWindow();
    REQUIRE(waitUntil([&] { return ana.window->isActiveWindow(); }));
    change({{QStringLiteral("status"), QStringLiteral("pending")}});

    // In the background: the desktop's notification service gets it, with its words.
    QWidget elsewhere;
    sendToBackground(elsewhere, *ana.window);
    change({{QStringLiteral("purchasePrice"), 465000}});
    REQUIRE(waitUntil([&] { return service.calls.size() == 1; }));
    REQUIRE(waitUntil([&] { return routed.count() == 1; }));
    CHECK(notifier->lastRoute() == DesktopNotifier::Route::DBus);
    const FakeNotifications::Call call = service.calls.first(); // none came while in front
    CHECK(call.summary == QStringLiteral("ben changed the purchase price of your escrow "
                                         "“ESC-26867”: $450,000 → $465,000"));
    CHECK(call.body.isEmpty());
    CHECK(call.actions.size() == 2);
    CHECK(call.actions.value(0) == QStringLiteral("default"));
    CHECK(call.hints.value(QStringLiteral("desktop-entry")) == QStringLiteral("crm-desktop"));
    // Several fields: the body lists them.
    change({{QStringLiteral("status"), QStringLiteral("closing")},
            {QStringLiteral("closeDate"), QStringLiteral("2027-01-22")}});
    REQUIRE(waitUntil([&] { return service.calls.size() == 2; }));
    CHECK(service.calls.at(1).summary ==
          QStringLiteral("ben changed 2 fields of your escrow “ESC-26867”"));
    CHECK(service.calls.at(1).body.contains(QStringLiteral("Status: Pending → Closing")));

    // The agent clicks the first bubble: the record opens and its notification is read.
    const int row = 1; // newest first: the price change is second
    REQUIRE_FALSE(notes.index(row).data(NotificationModel::ReadRole).toBool());
    QSignalSpy opened(notifier, &DesktopNotifier::openRecord);
    emit service.ActionInvoked(101, QStringLiteral("default"));
    REQUIRE(waitUntil([&] { return opened.count() == 1; }));
    CHECK(ana.window->editor()->recordId() == id);
    CHECK(notes.index(row).data(NotificationModel::ReadRole).toBool());
    CHECK(waitUntil([&] { return ana.window->isActiveWindow(); })); // brought to the front
    sendToBackground(elsewhere, *ana.window);
    // Another action key, or a bubble that was closed, opens nothing.
    emit service.ActionInvoked(102, QStringLiteral("snooze"));
    emit service.NotificationClosed(102, 2);
    emit service.ActionInvoked(102, QStringLiteral("default"));
    emit service.ActionInvoked(101, QStringLiteral("default")); // taken once already
    change({{QStringLiteral("status"), QStringLiteral("closed")}});
    REQUIRE(waitUntil([&] { return service.calls.size() == 3; }));
    CHECK(opened.count() == 1);
    REQUIRE(waitUntil([&] { return routed.count() == 3; })); // every answer is in

    // No service on the bus: the tray, and with no tray either (offscreen), nothing, quietly.
    REQUIRE(serviceBus.unregisterService(QStringLiteral("org.freedesktop.Notifications")));
    routed.clear();
    change({{QStringLiteral("status"), QStringLiteral("open")}});
    REQUIRE(waitUntil([&] { return routed.count() == 1; }));
    CHECK(notifier->lastRoute() == DesktopNotifier::Route::None);
    CHECK(service.calls.size() == 3);
    // No bus at all: the same.
    notifier->setBus(QDBusConnection(QStringLiteral("no such bus")));
    change({{QStringLiteral("status"), QStringLiteral("pending")}});
    REQUIRE(waitUntil([&] { return routed.count() == 2; }));
    CHECK(notifier->lastRoute() == DesktopNotifier::Route::None);

    // Turned off in the settings: nothing is sent, whatever the bus.
    REQUIRE(serviceBus.registerService(QStringLiteral("org.freedesktop.Notifications")));
    notifier->setBus(bus.connect(QStringLiteral("crm-desktop-again")));
    notifier->setEnabled(false);
    change({{QStringLiteral("status"), QStringLiteral("closing")}});
    notifier->setEnabled(true);
    change({{QStringLiteral("status"), QStringLiteral("closed")}});
    REQUIRE(waitUntil([&] { return service.calls.size() == 4; }));
    CHECK(service.calls.last().summary.contains(QStringLiteral("Closing → Closed")));
}

#endif

#include "test_desktop_notices.moc"
