// The conflict dialog over two real desktops on one server: a same-field edit chosen field by
// field, and a delete made on an old copy that names who changed the record since.
#include "app/conflictdecision.h"
#include "app/desktopsession.h"
#include "app/desktopworkspace.h"
#include "models/activityfilter.h"
#include "models/activitymodel.h"
#include "models/recordviewmodel.h"
#include "models/syncstatus.h"
#include "protocol/recordschema.h"
#include "server/demodata.h"
#include "server/storage/recordstore.h"
#include "support/desktopfixture.h"
#include "support/serverfixture.h"
#include "ui/activitydelegate.h"
#include "ui/activitypanel.h"
#include "ui/avatarstrip.h"
#include "ui/mainwindow.h"
#include "ui/notificationbell.h"
#include "ui/recordeditor.h"
#include "ui/recordtablepane.h"
#include "ui/refusedchangesdialog.h"
#include "ui/settingsdialog.h"
#include "ui/signindialog.h"
#include "ui/toaststack.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

using test::createEscrow;
using test::Desktop;
using test::makeConflict;

TEST_CASE("Conflict dialog: a same-field edit, field by field choices, the resolver acts",
          "[ui][conflict]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-C"), 400000);
    RecordTableModel* anaTable = ana.session.table(QStringLiteral("escrows"));
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    // Both change price and status while Ana is offline: two conflicting fields.
    makeConflict(server, server.ana, ana, ben, id,
                 {{QStringLiteral("purchasePrice"), 410000},
                  {QStringLiteral("status"), QStringLiteral("pending")}},
                 {{QStringLiteral("purchasePrice"), 420000},
                  {QStringLiteral("status"), QStringLiteral("closing")}});
    CHECK(anaTable->index(anaTable->rowOf(id), 0).data(RecordTableModel::ConflictRole).toBool());

    ConflictDialog dialog(ana.session.conflicts(), 0);
    REQUIRE(dialog.fieldCount() == 2);
    // Mine and theirs both differ from the base: both highlighted.
    CHECK(dialog.isHighlighted(0, 2));
    CHECK(dialog.isHighlighted(0, 3));
    CHECK_FALSE(dialog.isHighlighted(0, 1));
    // Price: a typed compromise; status: theirs.
    int priceRow = 0;
    for (int row = 0; row < dialog.fieldCount(); ++row) {
        if (dialog.findChild<QTableWidget*>()->item(row, 0)->text() ==
            QStringLiteral("Purchase price"))
            priceRow = row;
    }
    dialog.choose(priceRow, ConflictDialog::Keep::Typed, QStringLiteral("415000"));
    dialog.choose(1 - priceRow, ConflictDialog::Keep::Theirs);
    const QJsonObject merged = dialog.mergedValues();
    CHECK(merged == QJsonObject{{QStringLiteral("purchasePrice"), 415000}});
    REQUIRE(applyConflictDecision(ana.session.core(), dialog.conflictId(),
                                  ConflictDialog::Decision::Merge, merged)
                .ok());
    REQUIRE(waitUntil([&] {
        const QJsonObject values = benTable->recordValues(benTable->rowOf(id));
        return values.value(QStringLiteral("purchasePrice")) == 415000 &&
               values.value(QStringLiteral("status")) == QStringLiteral("closing");
    }));
    REQUIRE(waitUntil([&] { return ana.session.conflicts().rowCount() == 0; }));
    CHECK_FALSE(
        anaTable->index(anaTable->rowOf(id), 0).data(RecordTableModel::ConflictRole).toBool());

    // Deleted by someone else while Ana edited: restore it with her change.
    ana.session.goOffline();
    REQUIRE(anaTable->updateRecord(anaTable->rowOf(id), {{QStringLiteral("escrowCompany"),
                                                          QStringLiteral("Pacific Escrow")}}));
    REQUIRE(benTable->deleteRecord(benTable->rowOf(id)));
    REQUIRE(waitUntil([&] { return ben.session.store().outbox().count() == 0; }));
    ana.session.goOnline(server.token(server.ana));
    REQUIRE(waitUntil([&] { return ana.session.conflicts().rowCount() == 1; }));
    ConflictDialog deleted(ana.session.conflicts(), 0);
    CHECK(deleted.fieldCount() == 1);
    auto buttons = deleted.findChild<QDialogButtonBox*>()->buttons();
    QPushButton* restore = nullptr;
    for (auto* button : buttons)
        if (button->text() == QStringLiteral("Restore with my changes"))
            restore = qobject_cast<QPushButton*>(button);
    REQUIRE(restore);
    restore->click();
    CHECK(deleted.decision() == ConflictDialog::Decision::Restore);
    REQUIRE(applyConflictDecision(ana.session.core(), deleted.conflictId(), deleted.decision(), {})
                .ok());
    // Ben sees a record again, with Ana's change in it.
    REQUIRE(waitUntil([&] {
        for (int row = 0; row < benTable->rowCount(); ++row) {
            if (benTable->recordValues(row).value(QStringLiteral("escrowCompany")) ==
                QStringLiteral("Pacific Escrow"))
                return true;
        }
        return false;
    }));
}

TEST_CASE("Conflict dialog: a delete made on an old copy names who changed it since, delete "
          "anyway or keep it",
          "[ui][conflict]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-D"), 400000);
    RecordTableModel* anaTable = ana.session.table(QStringLiteral("escrows"));
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil(
        [&] { return benTable->rowOf(id) >= 0 && ana.session.store().outbox().count() == 0; }));
    ana.session.goOffline();
    REQUIRE(anaTable->deleteRecord(anaTable->rowOf(id)));
    REQUIRE(
        benTable->updateRecord(benTable->rowOf(id), {{QStringLiteral("purchasePrice"), 455000}}));
    REQUIRE(waitUntil([&] { return ben.session.store().outbox().count() == 0; }));
    ana.session.goOnline(server.token(server.ana));
    REQUIRE(waitUntil([&] { return ana.session.conflicts().rowCount() == 1; }));

    ConflictDialog dialog(ana.session.conflicts(), 0);
    CHECK(dialog.findChild<QLabel*>()->text() ==
          QStringLiteral("ben changed Escrow ESC-D after you last saw it"));
    REQUIRE(dialog.fieldCount() == 1);
    CHECK(dialog.findChild<QTableWidget*>()->item(0, 1)->text().contains(QStringLiteral("455")));
    QPushButton* deleteAnyway = nullptr;
    QPushButton* keep = nullptr;
    for (auto* button : dialog.findChild<QDialogButtonBox*>()->buttons()) {
        if (button->text() == QStringLiteral("Delete anyway"))
            deleteAnyway = qobject_cast<QPushButton*>(button);
        if (button->text() == QStringLiteral("Keep it"))
            keep = qobject_cast<QPushButton*>(button);
    }
    REQUIRE(deleteAnyway);
    REQUIRE(keep);
    SECTION("keep it")
    {
        keep->click();
        REQUIRE(
            applyConflictDecision(ana.session.core(), dialog.conflictId(), dialog.decision(), {})
                .ok());
        CHECK(ana.session.conflicts().rowCount() == 0);
        CHECK(anaTable->rowOf(id) >= 0);
        CHECK(anaTable->recordValues(anaTable->rowOf(id)).value(QStringLiteral("purchasePrice")) ==
              455000);
    }
    SECTION("delete anyway")
    {
        deleteAnyway->click();
        CHECK(dialog.decision() == ConflictDialog::Decision::DeleteAnyway);
        REQUIRE(
            applyConflictDecision(ana.session.core(), dialog.conflictId(), dialog.decision(), {})
                .ok());
        REQUIRE(waitUntil([&] { return benTable->rowOf(id) < 0; }));
        CHECK(anaTable->rowOf(id) < 0);
    }
}
