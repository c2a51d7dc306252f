// The main window's layout on real sessions: which columns an agent sees at full and at half a
// screen's width, the column chooser, the modules | table | editor divider, and the layout kept
// in QSettings from one start to the next. Every test keeps its settings in a temporary folder,
// never in the user's.
#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "models/recordviewmodel.h"
#include "protocol/recordschema.h"
#include "server/crmserver.h"
#include "server/demodata.h"
#include "server/storage/recordstore.h"
#include "support/desktopfixture.h"
#include "support/serverfixture.h"
#include "support/settingssandbox.h"
#include "ui/columnlayout.h"
#include "ui/mainwindow.h"
#include "ui/recordeditor.h"
#include "ui/recordtablepane.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>

using namespace crm;
using test::SettingsSandbox;
using namespace std::chrono_literals;
using test::Desktop;
using test::waitUntil;

namespace {

int columnOf(RecordTablePane* pane, const QString& field)
{
    const auto& fields = pane->table()->spec().fields;
    for (int i = 0; i < fields.size(); ++i) {
        if (fields.at(i).name == field)
            return i;
    }
    FAIL("no field " << field.toStdString());
    return -1;
}

// The whole cell is within the table's viewport, as the view stands (no scrolling).
bool fullyShown(RecordTablePane* pane, const QString& field)
{
    const QHeaderView* header = pane->tableView()->horizontalHeader();
    const int column = columnOf(pane, field);
    const int left = header->sectionViewportPosition(column);
    return !header->isSectionHidden(column) && left >= 0 &&
           left + header->sectionSize(column) <= pane->tableView()->viewport()->width();
}

// Layouts settle through posted events, later on a loaded machine (or under a sanitizer): waits
// for them, then names each column that is still cut.
void checkFullyShown(RecordTablePane* pane, std::initializer_list<const char*> fields)
{
    waitUntil(
        [&] {
            return std::all_of(fields.begin(), fields.end(), [&](const char* field) {
                return fullyShown(pane, QString::fromLatin1(field));
            });
        },
        5s);
    for (const char* field : fields) {
        INFO(field);
        CHECK(fullyShown(pane, QString::fromLatin1(field)));
    }
}

// Resizes a shown window and lets the layouts settle.
void resizeWindow(QWidget* window, int width, int height)
{
    window->resize(width, height);
    REQUIRE(waitUntil([&] { return window->width() == width && window->height() == height; }));
    test::spin(50ms); // posted layout requests
}

QAction* chooserEntry(RecordTablePane* pane, const QString& field)
{
    for (QAction* action : pane->columns()->menu()->actions()) {
        if (action->data().toString() == field)
            return action;
    }
    return nullptr;
}

// A real drag of the divider before `index` by `dx` pixels (press, move, release).
void dragHandle(QSplitter* splitter, int index, int dx)
{
    QWidget* handle = splitter->handle(index);
    const QPoint from = handle->rect().center();
    const QPoint to = from + QPoint(dx, 0);
    QMouseEvent press(QEvent::MouseButtonPress, from, handle->mapToGlobal(from), Qt::LeftButton,
                      Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(handle, &press);
    QMouseEvent move(QEvent::MouseMove, to, handle->mapToGlobal(to), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QCoreApplication::sendEvent(handle, &move);
    QMouseEvent release(QEvent::MouseButtonRelease, to, handle->mapToGlobal(to), Qt::LeftButton,
                        Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(handle, &release);
}

// The demo brokerage (server/demodata) and Alex's desktop on it, a record open in the editor.
struct DemoDesk
{
    DemoDesk()
    {
        options.dataDir = dir.path();
        options.port = 0;
        QString error;
        REQUIRE(server.open(options, &error));
        REQUIRE(DemoData::seed(server, &error));
        REQUIRE(server.listen(&error));
        url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
        const auto alex = server.users().findByEmail(QStringLiteral("alex@harbor.demo"));
        REQUIRE(alex);
        session = std::make_unique<DesktopSession>(url, dir.filePath(QStringLiteral("alex")));
        REQUIRE(session->open(&error));
        window = std::make_unique<MainWindow>(workspaceOf(*session, url.authority()));
        window->show();
        session->goOnline(server.tokens().issue(alex->identity).accessToken);
        REQUIRE(waitUntil([&] { return session->engine().isCaughtUp(); }));
        RecordStore records(server.database());
        qint64 total = 0;
        const auto escrows = records.list(alex->identity, QStringLiteral("escrows"), 0, 1, &total);
        REQUIRE(escrows.size() == 1);
        RecordTableModel* table = session->table(QStringLiteral("escrows"));
        REQUIRE(waitUntil([&] { return table->rowCount() == total; }));
        window->openRecord(QStringLiteral("escrows"), escrows.first().id);
    }

    QTemporaryDir dir;
    CrmServer server;
    CrmServerOptions options;
    QUrl url;
    std::unique_ptr<DesktopSession> session;
    std::unique_ptr<MainWindow> window;
};

void shoot(QWidget* window, const QString& name)
{
    const QPixmap picture = window->grab();
    CHECK_FALSE(picture.isNull());
    const QString folder = qEnvironmentVariable("CRM_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        CHECK(picture.save(folder + u'/' + name));
}

} // namespace

TEST_CASE("At half a screen the escrow table still shows number, status, price and close date "
          "next to the editor",
          "[ui][layout][screenshots]")
{
    SettingsSandbox sandbox;
    DemoDesk desk;
    RecordTablePane* escrows = desk.window->pane(0);
    REQUIRE(escrows->table()->spec().name == QStringLiteral("escrows"));

    resizeWindow(desk.window.get(), 1600, 900);
    shoot(desk.window.get(), QStringLiteral("layout-escrows-1600.png"));
    for (const QString& field : RecordSchema::instance().module(u"escrows")->columns) {
        INFO(field.toStdString());
        CHECK(fullyShown(escrows, field));
    }
    // The address takes the spare width, so it reads whole.
    CHECK(escrows->tableView()->horizontalHeader()->sectionSize(
              columnOf(escrows, QStringLiteral("propertyAddress"))) >= 250);

    resizeWindow(desk.window.get(), 800, 760);
    shoot(desk.window.get(), QStringLiteral("layout-escrows-800.png"));
    checkFullyShown(escrows, {"number", "status", "purchasePrice", "closeDate"});
    // The editor narrowed but is there, and readable.
    CHECK(desk.window->editor()->isVisible());
    CHECK(desk.window->editor()->width() >= MainWindow::kEditorMinWidth);
    CHECK(desk.window->editor()->recordId().size() > 0);

    // The other modules lead with what their agents scan first, too.
    desk.window->showModule(5);
    RecordTablePane* tasks = desk.window->pane(5);
    REQUIRE(tasks->table()->spec().name == QStringLiteral("tasks"));
    test::spin(50ms);
    shoot(desk.window.get(), QStringLiteral("layout-tasks-800.png"));
    checkFullyShown(tasks, {"title", "due", "status"});
    CHECK(tasks->columns()->visibleColumns().contains(QStringLiteral("assigneeId")));
    desk.window->showModule(1);
    test::spin(50ms);
    shoot(desk.window.get(), QStringLiteral("layout-listings-800.png"));
    checkFullyShown(desk.window->pane(1), {"address", "status", "listPrice"});
    resizeWindow(desk.window.get(), 1600, 900);
    shoot(desk.window.get(), QStringLiteral("layout-listings-1600.png"));

    // The chooser, as the header's context menu shows it.
    QHeaderView* header = escrows->tableView()->horizontalHeader();
    desk.window->showModule(0);
    emit header->customContextMenuRequested(QPoint(20, 5));
    QMenu* chooser = escrows->columns()->menu();
    REQUIRE(waitUntil([&] { return chooser->isVisible(); }));
    shoot(chooser, QStringLiteral("layout-column-chooser.png"));
    chooser->close();
}

TEST_CASE("The column chooser hides and shows columns, hidden ones are still searched, and the "
          "choice survives a new window",
          "[ui][layout]")
{
    SettingsSandbox sandbox;
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    ana.window->restoreLayout(); // as the app does: from now on the layout is kept
    RecordTablePane* pane = ana.escrows();
    QHeaderView* header = pane->tableView()->horizontalHeader();
    const QString id = test::createEscrow(ana, QStringLiteral("ESC-C1"), 510000);
    RecordTableModel* table = pane->table();
    REQUIRE(table->updateRecord(table->rowOf(id), {{QStringLiteral("escrowCompany"),
                                                    QStringLiteral("Golden State Escrow")}}));
    test::createEscrow(ana, QStringLiteral("ESC-C2"), 620000);
    REQUIRE(waitUntil([&] {
        return ana.session.store().outbox().count() == 0 &&
               ana.session.status().pendingCount() == 0;
    }));

    // The header's context menu is the chooser.
    CHECK(header->contextMenuPolicy() == Qt::CustomContextMenu);
    emit header->customContextMenuRequested(QPoint(10, 5));
    REQUIRE(waitUntil([&] { return pane->columns()->menu()->isVisible(); }));
    pane->columns()->menu()->close();

    const int status = columnOf(pane, QStringLiteral("status"));
    const int earnest = columnOf(pane, QStringLiteral("earnestMoney"));
    const int company = columnOf(pane, QStringLiteral("escrowCompany"));
    CHECK_FALSE(header->isSectionHidden(status));
    CHECK(header->isSectionHidden(earnest));
    CHECK(header->isSectionHidden(company));
    QAction* statusEntry = chooserEntry(pane, QStringLiteral("status"));
    QAction* earnestEntry = chooserEntry(pane, QStringLiteral("earnestMoney"));
    REQUIRE(statusEntry);
    REQUIRE(earnestEntry);
    CHECK(statusEntry->isChecked());
    CHECK_FALSE(earnestEntry->isChecked());
    statusEntry->trigger();
    earnestEntry->trigger();
    CHECK(header->isSectionHidden(status));
    CHECK_FALSE(header->isSectionHidden(earnest));
    CHECK(header->sectionSize(earnest) > 40); // shown at a readable width, not squeezed

    // A hidden column is still searched.
    auto* search = pane->findChild<QLineEdit*>();
    search->setText(QStringLiteral("golden state"));
    REQUIRE(waitUntil([&] { return pane->view()->rowCount() == 1; }));
    search->clear();
    REQUIRE(waitUntil([&] { return pane->view()->rowCount() == 2; }));

    const QStringList chosen = pane->columns()->visibleColumns();
    CHECK(chosen.contains(QStringLiteral("earnestMoney")));
    CHECK_FALSE(chosen.contains(QStringLiteral("status")));
    REQUIRE(ana.window->close());

    // The next start: a new window on the same settings.
    MainWindow again(workspaceOf(ana.session, server.url().authority()));
    again.restoreLayout();
    again.show();
    CHECK(again.pane(0)->columns()->visibleColumns() == chosen);
    QHeaderView* againHeader = again.pane(0)->tableView()->horizontalHeader();
    CHECK(againHeader->isSectionHidden(status));
    CHECK_FALSE(againHeader->isSectionHidden(earnest));

    // Reset columns: the schema's defaults again.
    QAction* reset = nullptr;
    for (QAction* action : again.pane(0)->columns()->menu()->actions()) {
        if (action->text() == QObject::tr("Reset columns"))
            reset = action;
    }
    REQUIRE(reset);
    reset->trigger();
    CHECK(again.pane(0)->columns()->visibleColumns() ==
          RecordSchema::instance().module(u"escrows")->columns);
}

TEST_CASE("Dragging the divider fully right leaves the editor on screen, and View > Record "
          "editor puts it away and brings it back",
          "[ui][layout]")
{
    SettingsSandbox sandbox;
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    resizeWindow(ana.window.get(), 1000, 700);
    QSplitter* splitter = ana.window->splitter();
    RecordEditor* editor = ana.window->editor();
    REQUIRE(splitter->count() == 3);
    REQUIRE(editor->width() >= MainWindow::kEditorMinWidth);

    dragHandle(splitter, 2, 2000); // the table | editor divider, far past the window's edge
    test::spin(50ms);
    CHECK(editor->isVisible());
    CHECK(editor->width() >= MainWindow::kEditorMinWidth);
    CHECK(splitter->sizes().at(2) >= MainWindow::kEditorMinWidth);
    dragHandle(splitter, 1, 2000); // the modules | table divider: the table stays too
    test::spin(50ms);
    CHECK(ana.escrows()->width() >= MainWindow::kTableMinWidth);
    CHECK(editor->width() >= MainWindow::kEditorMinWidth);

    // Programmatic collapse is refused the same way.
    splitter->setSizes({200, 800, 0});
    test::spin(50ms);
    CHECK(editor->width() >= MainWindow::kEditorMinWidth);

    // Put away on purpose: the table takes the room; back at the width it had.
    QAction* toggle = ana.window->editorAction();
    REQUIRE(toggle);
    CHECK(toggle->isChecked());
    CHECK_FALSE(toggle->shortcut().isEmpty());
    const int tableBefore = ana.escrows()->width();
    const int editorBefore = editor->width();
    toggle->trigger();
    test::spin(50ms);
    CHECK_FALSE(editor->isVisible());
    CHECK(ana.escrows()->width() > tableBefore + MainWindow::kEditorMinWidth / 2);
    toggle->trigger();
    test::spin(50ms);
    CHECK(editor->isVisible());
    CHECK(std::abs(editor->width() - editorBefore) <= 2);

    // This window never restored a layout (a test, a screenshot run): closing it writes nothing.
    REQUIRE(ana.window->close());
    CHECK(QSettings().allKeys().isEmpty());
}

TEST_CASE("Window size, docks, divider, the put-away editor and each module's columns survive "
          "closing and opening again",
          "[ui][layout]")
{
    SettingsSandbox sandbox;
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    ana.window->restoreLayout(); // nothing saved yet: the defaults
    resizeWindow(ana.window.get(), 800, 580);
    ana.window->findChild<QDockWidget*>(QStringLiteral("connectionLogDock"))->show();
    QSplitter* splitter = ana.window->splitter();
    dragHandle(splitter, 2, -60); // a wider editor
    test::spin(50ms);
    const QList<int> sizes = splitter->sizes();

    // Escrows: a column dragged to the front and widened; listings: one more column.
    QHeaderView* escrowHeader = ana.escrows()->tableView()->horizontalHeader();
    const int price = columnOf(ana.escrows(), QStringLiteral("purchasePrice"));
    escrowHeader->moveSection(escrowHeader->visualIndex(price), 0);
    escrowHeader->resizeSection(price, 150);
    RecordTablePane* listings = ana.window->pane(1);
    chooserEntry(listings, QStringLiteral("yearBuilt"))->trigger();
    const QStringList escrowColumns = ana.escrows()->columns()->visibleColumns();
    const QStringList listingColumns = listings->columns()->visibleColumns();
    CHECK(escrowColumns.first() == QStringLiteral("purchasePrice"));
    REQUIRE(ana.window->close());

    MainWindow again(workspaceOf(ana.session, server.url().authority()));
    again.restoreLayout();
    again.show();
    REQUIRE(waitUntil([&] { return again.isVisible(); }));
    test::spin(50ms);
    CHECK(again.size() == QSize(800, 580));
    CHECK(again.findChild<QDockWidget*>(QStringLiteral("connectionLogDock"))->isVisible());
    CHECK(again.splitter()->sizes() == sizes);
    CHECK(again.pane(0)->columns()->visibleColumns() == escrowColumns);
    CHECK(again.pane(0)->tableView()->horizontalHeader()->sectionSize(price) == 150);
    CHECK(again.pane(1)->columns()->visibleColumns() == listingColumns);

    // The editor put away stays away, and comes back at its width.
    const int editorWidth = again.editor()->width();
    again.editorAction()->trigger();
    REQUIRE(again.close());
    MainWindow third(workspaceOf(ana.session, server.url().authority()));
    third.restoreLayout();
    third.show();
    REQUIRE(waitUntil([&] { return third.isVisible(); }));
    test::spin(50ms);
    CHECK_FALSE(third.editorAction()->isChecked());
    CHECK_FALSE(third.editor()->isVisible());
    third.editorAction()->trigger();
    test::spin(50ms);
    CHECK(third.editor()->isVisible());
    CHECK(std::abs(third.editor()->width() - editorWidth) <= 2);
}

TEST_CASE("View > Activity in a half-screen window opens below the table instead of pushing the "
          "window past the screen's edge, and beside the editor again when the window is wide",
          "[ui][layout]")
{
    SettingsSandbox sandbox;
    DemoDesk desk;
    auto* dock = desk.window->findChild<QDockWidget*>(QStringLiteral("activityDock"));
    REQUIRE(dock);
    QAction* viewActivity = nullptr; // as the agent reaches it: View > Activity
    for (QAction* action : desk.window->findChild<QMenu*>(QStringLiteral("viewMenu"))->actions())
        if (action->text() == QStringLiteral("Activity"))
            viewActivity = action;
    REQUIRE(viewActivity);
    resizeWindow(desk.window.get(), 800, 760);
    viewActivity->trigger();
    test::spin(100ms);
    CHECK(dock->isVisible());
    CHECK(desk.window->dockWidgetArea(dock) == Qt::BottomDockWidgetArea);
    CHECK(desk.window->width() == 800);
    CHECK(desk.window->editor()->isVisible());
    viewActivity->trigger();

    resizeWindow(desk.window.get(), 1600, 900);
    viewActivity->trigger();
    test::spin(100ms);
    CHECK(desk.window->dockWidgetArea(dock) == Qt::RightDockWidgetArea);
    CHECK(desk.window->width() == 1600);
}
