// The pictures in docs/screenshots, from real sessions on the demo brokerage (what
// `crm-server --seed-demo` creates: Alex Rivera, Sam Okafor, Priya Shah... and their escrows),
// at full and at half a screen's width, in the light and the dark theme. With CRM_SCREENSHOT_DIR
// set (scripts/screenshots.sh) they are written there; otherwise every one is still rendered and
// what it is meant to show is checked. The notices, tasks and activity pictures are in
// test_desktop_screenshots_notices.cpp.
#include "common/buildinfo.h"
#include "models/conflictmodel.h"
#include "models/presencestore.h"
#include "models/serverinfo.h"
#include "models/syncstatus.h"
#include "support/demobrokerage.h"
#include "support/desktopfixture.h"
#include "support/fastconfig.h"
#include "support/linkcore.h"
#include "support/screenshots.h"
#include "support/serverfixture.h"
#include "ui/aboutdialog.h"
#include "ui/avatarstrip.h"
#include "ui/columnlayout.h"
#include "ui/conflictdialog.h"
#include "ui/connectionbadge.h"
#include "ui/fieldinput.h"
#include "ui/recordeditor.h"

#include <catch2/catch.hpp>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolBar>

using namespace crm;
using test::retype;
using namespace std::chrono_literals;
using test::DemoBrokerage;
using test::DemoDesktop;
using test::kAlex;
using test::kDark;
using test::keep;
using test::keepWindow;
using test::kLight;
using test::kSam;
using test::waitUntil;
using test::Width;

namespace {

const QString kPriya = QStringLiteral("priya@harbor.demo");
const QString kEscrow = QStringLiteral("ESC-26867"); // the first escrow Alex's table lists

QPushButton* buttonOf(QWidget* parent, const QString& text)
{
    for (auto* button : parent->findChildren<QPushButton*>()) {
        if (button->text() == text && button->isVisibleTo(parent))
            return button;
    }
    FAIL("no button " << text.toStdString());
    return nullptr;
}

AvatarStrip* headerPeople(MainWindow* window)
{
    auto* toolbar = window->findChild<QToolBar*>(QStringLiteral("mainToolbar"));
    REQUIRE(toolbar);
    auto* people = toolbar->findChild<AvatarStrip*>();
    REQUIRE(people);
    return people;
}

// Alex and Sam both on ESC-26867 (each sees the other in the header and on the record).
struct BothOnTheEscrow
{
    explicit BothOnTheEscrow(DemoBrokerage& demo)
        : alex(demo, kAlex), sam(demo, kSam), id(demo.escrow(kAlex, kEscrow))
    {
        sam.window->openRecord(QStringLiteral("escrows"), id);
        alex.window->openRecord(QStringLiteral("escrows"), id);
        REQUIRE(alex.window->editor()->recordId() == id);
        auto* viewers = alex.window->editor()->findChild<AvatarStrip*>();
        REQUIRE(viewers);
        REQUIRE(waitUntil([&] { return viewers->visibleAvatars() == 1; }));
        REQUIRE(waitUntil(
            [&] { return alex.window->windowTitle().contains(QStringLiteral("Alex Rivera")); }));
    }
    DemoDesktop alex;
    DemoDesktop sam;
    QString id;
};

} // namespace

TEST_CASE("Screenshots: Alex's window with Sam on the same escrow, light and dark, at full and "
          "half width, Sam's window, and the column chooser over the 800 px table",
          "[ui][screenshots]")
{
    test::ScreenshotSandbox sandbox;
    DemoBrokerage demo;
    BothOnTheEscrow both(demo);
    // Priya is signed in too (the CLI, a script): three people online.
    test::Agent priya(demo.url, demo.token(kPriya), test::newId());
    priya.connect();
    MainWindow* window = both.alex.window.get();
    REQUIRE(
        waitUntil([&] { return headerPeople(window)->countText() == QStringLiteral("3 online"); }));
    // Sam changes the price a moment ago: the cell and the field show it, marked for a moment.
    RecordTableModel* samTable = both.sam.table(QStringLiteral("escrows"));
    REQUIRE(samTable->updateRecord(samTable->rowOf(both.id),
                                   {{QStringLiteral("purchasePrice"), 612500},
                                    {QStringLiteral("status"), QStringLiteral("pending")}}));
    auto* price =
        qobject_cast<QLineEdit*>(window->editor()->editorFor(QStringLiteral("purchasePrice")));
    REQUIRE(price);
    REQUIRE(waitUntil([&] { return price->text() == QStringLiteral("$ 612,500.00"); }));

    keepWindow(window, QStringLiteral("main-window-alex.png"), Width::Full, kLight);
    keepWindow(window, QStringLiteral("main-window-alex-half.png"), Width::Half, kLight);
    keepWindow(window, QStringLiteral("main-window-dark.png"), Width::Full, kDark);
    keepWindow(window, QStringLiteral("main-window-dark-half.png"), Width::Half, kDark);
    keepWindow(both.sam.window.get(), QStringLiteral("main-window-sam.png"), Width::Full, kLight);

    // The chooser, as a right-click on the second column's header opens it, at half width.
    for (const QString& theme : {kLight, kDark}) {
        test::useTheme(theme);
        test::useWidth(window, Width::Half);
        QHeaderView* header = both.alex.escrows()->tableView()->horizontalHeader();
        const QPoint at(header->sectionViewportPosition(header->logicalIndex(1)) + 20,
                        header->height() / 2);
        emit header->customContextMenuRequested(at);
        QMenu* chooser = both.alex.escrows()->columns()->menu();
        keep(test::withMenu(window, chooser, header->viewport()->mapTo(window, at)),
             theme == kLight ? QStringLiteral("column-chooser.png")
                             : QStringLiteral("column-chooser-dark.png"));
        chooser->close();
    }
}

TEST_CASE("Screenshots: the editor's honest states: a wrong value refused on its field, a draft "
          "brought back, a record in conflict and the conflict dialog",
          "[ui][screenshots]")
{
    test::ScreenshotSandbox sandbox;
    DemoBrokerage demo;
    BothOnTheEscrow both(demo);
    MainWindow* window = both.alex.window.get();
    RecordEditor* editor = window->editor();
    auto shoot = [&](const QString& name) {
        keepWindow(window, name + QStringLiteral(".png"), Width::Full, kLight);
        keepWindow(window, name + QStringLiteral("-dark-half.png"), Width::Half, kDark);
        test::useTheme(kLight);
        test::useWidth(window, Width::Full);
    };

    // A wrong value: shown as typed, the reason under the field, Save disabled.
    QWidget* price = editor->editorFor(QStringLiteral("purchasePrice"));
    retype(price, QStringLiteral("12abc5x"));
    auto* priceInput = qobject_cast<FieldInput*>(price->parentWidget());
    REQUIRE(priceInput);
    CHECK(priceInput->problem().contains(QStringLiteral("\"12abc5x\" is not a number")));
    CHECK_FALSE(buttonOf(editor, QStringLiteral("Save"))->isEnabled());
    shoot(QStringLiteral("editor-invalid-value"));

    // A draft: typed changes, another record opened, this one again: they are back, and said.
    retype(price, QStringLiteral("1262500"));
    retype(editor->editorFor(QStringLiteral("escrowCompany")),
           QStringLiteral("Coastal Title & Escrow"));
    RecordTableModel* table = both.alex.table(QStringLiteral("escrows"));
    const int otherRow = table->rowOf(both.id) == 0 ? 1 : 0;
    const QString other = table->index(otherRow, 0).data(RecordTableModel::RecordIdRole).toString();
    REQUIRE_FALSE(other.isEmpty());
    window->openRecord(QStringLiteral("escrows"), other);
    window->openRecord(QStringLiteral("escrows"), both.id);
    REQUIRE_FALSE(editor->draftText().isEmpty());
    CHECK(buttonOf(editor, QStringLiteral("Save"))->isEnabled());
    shoot(QStringLiteral("editor-draft"));
    editor->discardDraft();

    // A conflict: Alex changes the price offline while Sam changes it (and, with no conflict, the
    // close date and status).
    REQUIRE(waitUntil([&] { return both.alex.session.store().outbox().count() == 0; }));
    both.alex.session.goOffline();
    REQUIRE(
        table->updateRecord(table->rowOf(both.id), {{QStringLiteral("purchasePrice"), 1250000}}));
    RecordTableModel* samTable = both.sam.table(QStringLiteral("escrows"));
    REQUIRE(samTable->updateRecord(samTable->rowOf(both.id),
                                   {{QStringLiteral("purchasePrice"), 1275000},
                                    {QStringLiteral("closeDate"), QStringLiteral("2027-01-22")},
                                    {QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return both.sam.session.store().outbox().count() == 0; }));
    both.alex.session.goOnline(demo.token(kAlex));
    REQUIRE(waitUntil([&] { return both.alex.session.conflicts().rowCount() == 1; }));
    // Selected in the table, as after a click (opening it offers the dialog at once).
    both.alex.escrows()->selectRecord(both.id);
    REQUIRE(waitUntil([&] { return !editor->conflictText().isEmpty(); }));
    CHECK(
        editor->conflictText().startsWith(QStringLiteral("Sam Okafor changed the purchase price")));
    shoot(QStringLiteral("editor-conflict"));

    // The dialog, with a compromise typed for the price.
    ConflictDialog dialog(both.alex.session.conflicts(), 0, window, both.alex.session.tables(),
                          &both.alex.session.users());
    auto* fields = dialog.findChild<QTableWidget*>();
    REQUIRE(fields);
    int priceRow = -1;
    for (int row = 0; row < dialog.fieldCount(); ++row) {
        if (fields->item(row, 0)->text() == QStringLiteral("Purchase price"))
            priceRow = row;
    }
    REQUIRE(priceRow >= 0);
    dialog.choose(priceRow, ConflictDialog::Keep::Typed, QStringLiteral("$ 1,262,500"));
    CHECK(dialog.problem().isEmpty());
    dialog.show();
    for (const QString& theme : {kLight, kDark}) {
        test::useTheme(theme); // at the size the dialog gives itself
        keep(&dialog, theme == kLight ? QStringLiteral("conflict-dialog.png")
                                      : QStringLiteral("conflict-dialog-dark.png"));
    }
    dialog.reject();
}

TEST_CASE("Screenshots: the connection badge in each state, presence greyed out while offline, "
          "and the window while the server is down",
          "[ui][screenshots]")
{
    test::ScreenshotSandbox sandbox;
    DemoBrokerage demo;
    BothOnTheEscrow both(demo);
    MainWindow* window = both.alex.window.get();
    auto* badge = window->findChild<ConnectionBadge*>();
    REQUIRE(badge);
    AvatarStrip* people = headerPeople(window);
    REQUIRE(waitUntil([&] { return people->countText() == QStringLiteral("2 online"); }));

    // The badge's states, in a sheet per theme.
    QList<QPixmap> light, dark;
    auto shoot = [&](QToolButton* shown, const QString& expected) {
        INFO("badge says " << shown->text().toStdString());
        REQUIRE(waitUntil([&] { return shown->text().startsWith(expected); }));
        for (const QString& theme : {kLight, kDark}) {
            test::useTheme(theme);
            shown->adjustSize();
            (theme == kLight ? light : dark).append(shown->grab());
        }
    };
    shoot(badge, QStringLiteral("Live"));
    // Offline, with an edit waiting: presence greys out, "last known".
    both.alex.session.goOffline();
    RecordTableModel* table = both.alex.table(QStringLiteral("escrows"));
    REQUIRE(table->updateRecord(
        table->rowOf(both.id),
        {{QStringLiteral("escrowCompany"), QStringLiteral("Coastal Title & Escrow")}}));
    shoot(badge, QStringLiteral("Offline - 1 change waiting"));
    CHECK(people->countText() == QStringLiteral("last known: 2 online"));
    keepWindow(window, QStringLiteral("main-window-offline.png"), Width::Full, kLight);
    keepWindow(window, QStringLiteral("main-window-offline-dark-half.png"), Width::Half, kDark);
    // A server that is not there: the countdown.
    ConnectionConfig config =
        test::fastConnectionConfig(QUrl(QStringLiteral("http://127.0.0.1:9")));
    config.backoffBase = 8s;
    config.backoffCap = 8s;
    // Its own link, over the same profile: the same queue behind another address.
    auto nowhereCore = test::linkCore(
        config, [] { return QString(); }, both.alex.session.profileDir());
    ConnectionManager& nowhere = nowhereCore->connection();
    SyncStatus nowhereStatus(*nowhereCore);
    ConnectionBadge reconnecting(&nowhereStatus);
    // As in the window's toolbar: no menu arrow beside the badge.
    reconnecting.setStyleSheet(
        QStringLiteral("QToolButton::menu-indicator { image: none; width: 0; }"));
    nowhere.start();
    shoot(&reconnecting, QStringLiteral("Reconnecting in"));
    // A token the server no longer accepts.
    both.alex.session.goOnline(QStringLiteral("expired-or-revoked"));
    shoot(badge, QStringLiteral("Session expired"));

    for (const QString& theme : {kLight, kDark}) {
        const QList<QPixmap>& shots = theme == kLight ? light : dark;
        REQUIRE(shots.size() == 4);
        int width = 0;
        int height = 8;
        for (const auto& shot : shots) {
            width = std::max(width, shot.width());
            height += shot.height() + 8;
        }
        test::useTheme(theme);
        QImage sheet(width + 16, height, QImage::Format_RGB32);
        sheet.fill(window->palette().color(QPalette::Window));
        QPainter painter(&sheet);
        int y = 8;
        for (const auto& shot : shots) {
            painter.drawPixmap(8, y, shot);
            y += shot.height() + 8;
        }
        painter.end();
        keep(sheet, theme == kLight ? QStringLiteral("badge-states.png")
                                    : QStringLiteral("badge-states-dark.png"));
    }

    // The server goes down: the window keeps working from its copy and counts down to a retry.
    test::useTheme(kLight);
    both.alex.session.goOnline(demo.token(kAlex));
    REQUIRE(waitUntil([&] { return badge->text().startsWith(QStringLiteral("Live")); }));
    REQUIRE(waitUntil([&] { return people->countText() == QStringLiteral("2 online"); }));
    REQUIRE(waitUntil([&] { return both.alex.session.store().outbox().count() == 0; }));
    demo.server.reset();
    REQUIRE(
        waitUntil([&] { return badge->text().startsWith(QStringLiteral("Reconnecting")); }, 20s));
    CHECK(people->countText() == QStringLiteral("last known: 2 online"));
    // Alex carries on: the change waits for the server.
    REQUIRE(table->updateRecord(table->rowOf(both.id),
                                {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return badge->text().endsWith(QStringLiteral("1 change waiting")); }));
    keepWindow(window, QStringLiteral("connection-reconnecting.png"), Width::Full, kLight);
    keepWindow(window, QStringLiteral("connection-reconnecting-dark-half.png"), Width::Half, kDark);
}

TEST_CASE("Screenshots: Help > About names this build, Qt and the server's version",
          "[ui][screenshots]")
{
    test::ScreenshotSandbox sandbox;
    DemoBrokerage demo;
    DemoDesktop alex(demo, kAlex);
    ServerInfo& server = alex.session.serverInfo();
    REQUIRE(waitUntil([&] { return server.isKnown(); }));
    CHECK(server.version() == buildinfo::version());

    AboutDialog about(&server, demo.url.authority(), alex.window.get());
    about.show();
    const QString report = about.report();
    CHECK(report.contains(QStringLiteral("Version: ") + buildinfo::version()));
    CHECK(report.contains(QStringLiteral("Build: ") + buildinfo::revision()));
    CHECK(report.contains(QStringLiteral("Qt: ") + QString::fromLatin1(qVersion())));
    CHECK(report.contains(
        QStringLiteral("Server version: %1 (%2)").arg(server.version(), server.revision())));
    for (const QString& theme : {kLight, kDark}) {
        test::useTheme(theme);
        keep(&about,
             theme == kLight ? QStringLiteral("about.png") : QStringLiteral("about-dark.png"));
    }
}
