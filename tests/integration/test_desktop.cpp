// crm-desktop's widgets offscreen, bound to real sessions (real server, real stores): two agents'
// windows side by side, an edit in one appearing in the other's model and view, an offline edit
// syncing on reconnect, avatars, the editor's save / undo / validation and presence notes, the
// notification center, the sign-in dialog.
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

TEST_CASE("Two desktops: an edit in one appears in the other's table and editor", "[ui][e2e]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    QAbstractItemModelTester tester(ben.escrows()->view(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);

    const QString id = createEscrow(ana, QStringLiteral("ESC-E2E"), 500000);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    // Ben opens it; Ana opens it too: each sees the other among its viewers.
    ben.window->openRecord(QStringLiteral("escrows"), id);
    ana.window->openRecord(QStringLiteral("escrows"), id);
    CHECK(ben.window->editor()->recordId() == id);
    auto* viewers = ben.window->editor()->findChild<AvatarStrip*>();
    REQUIRE(viewers);
    REQUIRE(waitUntil([&] { return viewers->visibleAvatars() == 1; }));

    // Ana changes the price in her editor and saves: Ben's table cell and editor follow.
    auto* price =
        qobject_cast<QLineEdit*>(ana.window->editor()->editorFor(QStringLiteral("purchasePrice")));
    REQUIRE(price);
    price->setFocus();
    price->selectAll();
    QTest::keyClicks(price, QStringLiteral("525000"));
    REQUIRE(ana.window->editor()->save());
    REQUIRE(waitUntil([&] {
        return benTable->recordValues(benTable->rowOf(id)).value(QStringLiteral("purchasePrice")) ==
               525000;
    }));
    const QModelIndex benCell =
        ben.escrows()->view()->mapFromSource(benTable->index(benTable->rowOf(id), 2));
    CHECK(benCell.data(RecordTableModel::RemoteChangedRole).toBool());
    auto* benPrice =
        qobject_cast<QLineEdit*>(ben.window->editor()->editorFor(QStringLiteral("purchasePrice")));
    REQUIRE(waitUntil([&] { return benPrice->text() == QStringLiteral("$ 525,000.00"); }));
    // Ben's selection stayed on the record.
    CHECK(ben.escrows()->currentRow() == benTable->rowOf(id));

    // Undo in Ana's editor puts the old price back, for everyone.
    REQUIRE(ana.window->editor()->undoLastSave());
    REQUIRE(waitUntil([&] { return benPrice->text() == QStringLiteral("$ 500,000.00"); }));

    // A value the schema refuses changes nothing and queues nothing.
    const int queued = ben.session.store().outbox().count();
    CHECK_FALSE(benTable->setData(benTable->index(benTable->rowOf(id), 2), -5.0));
    CHECK(ben.session.store().outbox().count() == queued);

    // Ben works offline; his edit shows at once, marked pending, and syncs on reconnect.
    ben.session.goOffline();
    REQUIRE(
        benTable->setData(benTable->index(benTable->rowOf(id), 0), QStringLiteral("ESC-E2E-B")));
    CHECK(benTable->index(benTable->rowOf(id), 0).data(RecordTableModel::RowPendingRole).toBool());
    CHECK(ben.session.status().pendingCount() == 1);
    ben.session.goOnline(server.token(server.ben));
    RecordTableModel* anaTable = ana.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] {
        return anaTable->recordValues(anaTable->rowOf(id)).value(QStringLiteral("number")) ==
               QStringLiteral("ESC-E2E-B");
    }));
    REQUIRE(waitUntil([&] { return ben.session.status().pendingCount() == 0; }));
    // Ana owns the record: she was told who changed it.
    REQUIRE(waitUntil([&] { return ana.session.notifications().unreadCount() > 0; }));
    CHECK(ana.session.notifications().index(0).data().toString().contains(QStringLiteral("ben")));
    CHECK_FALSE(ana.window->grab().isNull());
}

TEST_CASE("The editor validates as the agent types and says who else is editing", "[ui][editor]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-V"), 100000);
    REQUIRE(
        waitUntil([&] { return ben.session.table(QStringLiteral("escrows"))->rowOf(id) >= 0; }));
    ana.window->openRecord(QStringLiteral("escrows"), id);
    ben.window->openRecord(QStringLiteral("escrows"), id);
    RecordEditor* editor = ana.window->editor();

    // Nothing changed: nothing to save. A required field emptied: an error, Save disabled.
    auto* number = qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("number")));
    REQUIRE(number);
    CHECK_FALSE(editor->isDirty());
    number->setFocus();
    QTest::keyClick(number, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(number, Qt::Key_Backspace);
    CHECK_FALSE(editor->errorText().isEmpty());
    CHECK_FALSE(editor->save());
    QTest::keyClicks(number, QStringLiteral("ESC-V2"));
    CHECK(editor->errorText().isEmpty());
    CHECK(editor->isDirty());

    // Ben starts editing the same field: Ana's form says so, softly.
    ana.window->setOwnUser(server.ana.userId, QStringLiteral("ana"));
    REQUIRE(waitUntil([&] {
        return ben.session.presence()
            .viewersOf(QStringLiteral("escrows"), id)
            .contains(server.ben.userId);
    }));
    ben.session.presence().editField(QStringLiteral("number"));
    REQUIRE(waitUntil([&] { return !editor->fieldNote(QStringLiteral("number")).isEmpty(); }));
    CHECK(editor->fieldNote(QStringLiteral("number")).contains(QStringLiteral("ben")));
    CHECK(editor->save());
}

TEST_CASE("Avatars: initials, overflow and the online count", "[ui][avatars]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    auto* people = ana.window->findChild<AvatarStrip*>(QString(), Qt::FindChildrenRecursively);
    REQUIRE(people);
    std::vector<std::unique_ptr<Desktop>> others;
    others.push_back(
        std::make_unique<Desktop>(server, server.ben, server.dir.filePath(QStringLiteral("ben"))));
    others.push_back(
        std::make_unique<Desktop>(server, server.dee, server.dir.filePath(QStringLiteral("dee"))));
    REQUIRE(waitUntil([&] { return ana.session.presence().onlineCount() == 3; }));
    people->setMaxVisible(2);
    CHECK(people->visibleAvatars() == 2);
    CHECK(people->overflow() == 1);
    CHECK(people->accessibleDescription() == QStringLiteral("3 online"));
    people->setMaxVisible(5);
    CHECK(people->overflow() == 0);
    // Someone leaves: the strip follows.
    others.pop_back();
    REQUIRE(waitUntil([&] { return ana.session.presence().onlineCount() == 2; }));
    CHECK(people->visibleAvatars() == 2);
    CHECK(AvatarStrip::statusColor(QStringLiteral("busy")) !=
          AvatarStrip::statusColor(QStringLiteral("online")));
}

TEST_CASE("Notification center: unread count, opening a record marks it read",
          "[ui][notifications]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    auto* bell = ana.window->findChild<NotificationBell*>();
    REQUIRE(bell);
    CHECK(bell->text() == QStringLiteral("Notifications"));
    const QString id = createEscrow(ana, QStringLiteral("ESC-NB"), 1);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return bell->text() == QStringLiteral("Notifications (1)"); }));
    QSignalSpy opened(bell, &NotificationBell::openRecord);
    emit bell->list()->activated(bell->list()->model()->index(0, 0));
    REQUIRE(opened.count() == 1);
    CHECK(opened.first().at(1).toString() == id);
    CHECK(bell->text() == QStringLiteral("Notifications"));
}

TEST_CASE("Sign-in dialog asks for complete input and shows what the app reports", "[ui][signin]")
{
    SignInDialog dialog;
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    CHECK_FALSE(ok->isEnabled());
    dialog.setServer(QStringLiteral("http://127.0.0.1:8787"));
    dialog.setEmail(QStringLiteral("alex@harbor.demo"));
    CHECK_FALSE(ok->isEnabled());
    auto edits = dialog.findChildren<QLineEdit*>();
    QLineEdit* password = nullptr;
    for (auto* edit : edits)
        if (edit->echoMode() == QLineEdit::Password)
            password = edit;
    REQUIRE(password);
    password->setText(QStringLiteral("demo-pass-2026"));
    CHECK(ok->isEnabled());
    CHECK(dialog.keepSignedIn());
    QSignalSpy requested(&dialog, &SignInDialog::signInRequested);
    ok->click();
    CHECK(requested.count() == 1);
    dialog.setBusy(true);
    CHECK_FALSE(ok->isEnabled());
    dialog.setBusy(false);
    dialog.setError(QStringLiteral("Wrong email or password"));
    CHECK(ok->isEnabled());
}

TEST_CASE("Toasts: stacked newest first, at most three, hide by themselves, click opens",
          "[ui][toasts]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    auto* toasts = ana.window->findChild<ToastStack*>();
    REQUIRE(toasts);
    toasts->setDurations(1500, 3000);
    const QString id = createEscrow(ana, QStringLiteral("ESC-T"), 1);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    for (const char* status : {"pending", "closing", "closed", "cancelled"}) {
        REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                       {{QStringLiteral("status"), QString::fromLatin1(status)}}));
        REQUIRE(waitUntil([&] { return ben.session.store().outbox().count() == 0; }));
    }
    REQUIRE(waitUntil([&] { return ana.session.notifications().rowCount() == 4; }));
    CHECK(toasts->visibleToasts() == 3); // the oldest made room
    CHECK(toasts->toastTexts().first().contains(QStringLiteral("ESC-T")));
    // They go by themselves.
    REQUIRE(waitUntil([&] { return toasts->visibleToasts() == 0; }, 5s));
    // A new one, clicked: the record opens.
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("status"), QStringLiteral("open")}}));
    REQUIRE(waitUntil([&] { return toasts->visibleToasts() == 1; }));
    QSignalSpy opened(toasts, &ToastStack::openRecord);
    auto* toast = toasts->findChild<QWidget*>(QStringLiteral("toast"));
    REQUIRE(toast);
    QTest::mouseClick(toast, Qt::LeftButton);
    REQUIRE(opened.count() == 1);
    CHECK(opened.first().at(1).toString() == id);
    CHECK(ana.window->editor()->recordId() == id);
}

TEST_CASE("Refused changes: listed with the server's reason, sent again or discarded",
          "[ui][refused]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-R"), 1);
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));
    // An edit the server refuses (as from a client with an older schema: not checked here).
    REQUIRE(ana.session.engine().edit(QStringLiteral("escrows"), id, Operation::Update,
                                      {{QStringLiteral("status"), QStringLiteral("bogus")}}));
    REQUIRE(waitUntil([&] { return ana.session.failures().rowCount() == 1; }));
    CHECK(ana.session.status().failedCount() == 1);
    RefusedChangesDialog dialog(&ana.session.failures());
    CHECK(dialog.list()->model()->index(0, 0).data().toString().contains(QStringLiteral("Status")));
    const qint64 first =
        ana.session.failures().index(0).data(FailureModel::MutationIdRole).toLongLong();
    // Sent again unchanged: refused again, as a new mutation; never dropped silently.
    REQUIRE(dialog.retrySelected());
    REQUIRE(waitUntil([&] {
        return ana.session.failures().rowCount() == 1 &&
               ana.session.failures().index(0).data(FailureModel::MutationIdRole).toLongLong() !=
                   first;
    }));
    dialog.list()->setCurrentIndex(ana.session.failures().index(0));
    REQUIRE(dialog.discardSelected());
    CHECK(ana.session.failures().rowCount() == 0);
    CHECK(dialog.problem()->isHidden());
    // A refused change that is gone (discarded meanwhile) is not sent: the reason is said.
    QString why;
    CHECK_FALSE(ana.session.failures().retry(first, {}, &why));
    CHECK(why == QStringLiteral("That refused change is no longer waiting here."));
    REQUIRE(waitUntil([&] { return ana.session.status().failedCount() == 0; }));
    RecordTableModel* table = ana.session.table(QStringLiteral("escrows"));
    CHECK_FALSE(table->index(table->rowOf(id), 0).data(RecordTableModel::FailedRole).toBool());
}

TEST_CASE("Settings: kept in QSettings, applied at once (theme, toasts)", "[ui][settings]")
{
    QStandardPaths::setTestModeEnabled(true); // a throw-away settings file
    QCoreApplication::setOrganizationName(QStringLiteral("crm-desktop-test"));
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    SettingsDialog dialog(QStringLiteral("ana on test"));
    SettingsDialog::Values values = dialog.values();
    CHECK(values.toasts);
    CHECK(values.theme == QStringLiteral("system"));
    values.toasts = false;
    values.theme = QStringLiteral("dark");
    values.awayMinutes = 12;
    dialog.setValues(values);
    SettingsDialog::save(dialog.values());
    CHECK(SettingsDialog::load().awayMinutes == 12);
    ana.window->applySettings();
    CHECK(QApplication::palette().color(QPalette::Window).lightness() < 80); // dark
    // Toasts off: a notification arrives, none is shown, the center still has it.
    const QString id = createEscrow(ana, QStringLiteral("ESC-S"), 1);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(waitUntil([&] { return ana.session.notifications().rowCount() == 1; }));
    CHECK(ana.window->findChild<ToastStack*>()->visibleToasts() == 0);
    SettingsDialog::save({});
    ana.window->applySettings();
    CHECK(QApplication::palette().color(QPalette::Window).lightness() > 150); // back to light
}

TEST_CASE("The brokerage's people: assignees are chosen by name, known offline", "[ui][users]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    UserDirectoryModel& users = ana.session.users();
    QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
    REQUIRE(waitUntil([&] { return users.rowCount() == 4; })); // ana, ben, cleo, dee
    CHECK(users.nameOf(server.ben.userId) == QStringLiteral("ben"));

    // A new task for Ben, from the editor.
    ana.window->showModule(5); // tasks
    RecordEditor* editor = ana.window->editor();
    RecordTableModel* tasks = ana.session.table(QStringLiteral("tasks"));
    editor->createNew(tasks);
    qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("title")))
        ->setText(QStringLiteral("Order keys"));
    auto* assignee = qobject_cast<QComboBox*>(editor->editorFor(QStringLiteral("assigneeId")));
    REQUIRE(assignee);
    assignee->setCurrentIndex(users.rowOf(server.ben.userId));
    REQUIRE(editor->save());
    const int row = tasks->rowOf(editor->recordId());
    CHECK(tasks->recordValues(row).value(QStringLiteral("assigneeId")) == server.ben.userId);
    CHECK(assignee->currentText() == QStringLiteral("ben"));

    // The directory is kept in the profile: a later start knows the names before the network.
    ana.session.goOffline();
    UserDirectoryModel offline(ana.session.core());
    CHECK(offline.nameOf(server.dee.userId) == QStringLiteral("dee"));
}

TEST_CASE("A record opened on a fresh profile shows its own values, and a teammate's change "
          "lands on its own row",
          "[ui][desktop]")
{
    test::Server server;
    test::Agent ana(server, server.ana, test::newId());
    ana.connect();
    QStringList ids;
    for (int i = 0; i < 20; ++i) {
        ids.append(test::newId());
        ana.create(ids.last(), {{QStringLiteral("number"), QStringLiteral("ESC-%1").arg(100 + i)},
                                {QStringLiteral("purchasePrice"), 100000 + i}});
    }
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    RecordTableModel* table = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return table->rowCount() == 20; }));
    const QString picked = ids.at(7);
    ben.window->openRecord(QStringLiteral("escrows"), picked);
    auto cell = [&](const QString& id, const QString& field) {
        const int row = table->rowOf(id);
        return table->recordValues(row).value(field);
    };
    CHECK(ben.window->editor()->recordId() == picked);
    CHECK(cell(picked, QStringLiteral("number")).toString() == QStringLiteral("ESC-107"));
    for (int i = 0; i < 20; ++i)
        CHECK(table->index(table->rowOf(ids.at(i)), 0).data(RecordTableModel::RecordIdRole) ==
              ids.at(i));
    auto* view = ben.escrows()->findChild<QTableView*>();
    const QModelIndex current = view->currentIndex();
    CHECK(current.siblingAtColumn(0).data().toString() == QStringLiteral("ESC-107"));
    ana.update(picked, 1, {{QStringLiteral("purchasePrice"), 612500}});
    REQUIRE(
        waitUntil([&] { return cell(picked, QStringLiteral("purchasePrice")).toInt() == 612500; }));
    CHECK(view->currentIndex().siblingAtColumn(0).data().toString() == QStringLiteral("ESC-107"));
    CHECK(ben.window->editor()->findChild<QLineEdit*>()->text() == QStringLiteral("ESC-107"));
}

TEST_CASE("Opening a record while the first catch-up is still being applied (the demo's "
          "--record) shows that record",
          "[ui][desktop]")
{
    QTemporaryDir dir;
    CrmServer server;
    CrmServerOptions options;
    options.dataDir = dir.path();
    options.port = 0;
    QString error;
    REQUIRE(server.open(options, &error));
    REQUIRE(DemoData::seed(server, &error));
    REQUIRE(server.listen(&error));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    const auto alex = server.users().findByEmail(QStringLiteral("alex@harbor.demo"));
    REQUIRE(alex);
    const QString token = server.tokens().issue(alex->identity).accessToken;
    RecordStore records(server.database());
    qint64 total = 0;
    const auto escrows = records.list(alex->identity, QStringLiteral("escrows"), 0, 1, &total);
    REQUIRE(escrows.size() == 1);
    const QString picked = escrows.first().id;
    const QString number = escrows.first().data.value(QStringLiteral("number")).toString();

    DesktopSession session(url, dir.filePath(QStringLiteral("alex")));
    REQUIRE(session.open(&error));
    MainWindow window(workspaceOf(session, url.authority()));
    window.show();
    bool opened = false;
    QObject::connect(&session.engine(), &SyncEngine::caughtUp, &window, [&] {
        if (opened)
            return;
        for (auto* table : session.tables()) {
            if (table->rowOf(picked) >= 0) {
                window.openRecord(table->spec().name, picked);
                opened = true;
            }
        }
    });
    // A teammate changes the record while the first catch-up may still be under way.
    const auto sam = server.users().findByEmail(QStringLiteral("sam@harbor.demo"));
    const int delayMs = GENERATE(0, 30, 80, 150, 300);
    QTimer::singleShot(delayMs, &window, [&] {
        RestClient rest;
        rest.setBaseUrl(url);
        rest.setBearerToken(server.tokens().issue(sam->identity).accessToken);
        bool done = false;
        QJsonObject body{{QStringLiteral("baseVersion"), 1},
                         {QStringLiteral("fields"),
                          QJsonObject{{QStringLiteral("purchasePrice"), 612500},
                                      {QStringLiteral("status"), QStringLiteral("pending")}}}};
        rest.patch(QStringLiteral("/api/records/escrows/%1").arg(picked), body,
                   [&](const RestReply& reply) {
                       CHECK(reply.ok());
                       done = true;
                   });
        REQUIRE(waitUntil([&] { return done; }));
    });
    session.goOnline(token);
    REQUIRE(waitUntil([&] { return opened; }));
    RecordTableModel* table = session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return table->rowCount() == total; }));
    const bool arrived = waitUntil([&] {
        return table->recordValues(table->rowOf(picked))
                   .value(QStringLiteral("purchasePrice"))
                   .toInt() == 612500;
    });
    INFO("delay " << delayMs << " row "
                  << QJsonDocument(table->recordValues(table->rowOf(picked))).toJson().toStdString()
                  << " store "
                  << QJsonDocument(
                         session.store().cache().record(QStringLiteral("escrows"), picked)->fields)
                         .toJson()
                         .toStdString()
                  << " server v" << records.find(QStringLiteral("escrows"), picked)->version);
    REQUIRE(arrived);
    test::spin(200ms);
    CHECK(window.editor()->recordId() == picked);
    CHECK(window.editor()->findChild<QLineEdit*>()->text() == number);
    auto* view = window.pane(0)->findChild<QTableView*>();
    CHECK(view->currentIndex().siblingAtColumn(0).data().toString() == number);
    // Every row holds its own record, as the server has it.
    for (const auto& stored :
         records.list(alex->identity, QStringLiteral("escrows"), 0, 500, &total)) {
        const QJsonObject values = table->recordValues(table->rowOf(stored.id));
        CHECK(values.value(QStringLiteral("number")) ==
              stored.data.value(QStringLiteral("number")));
        CHECK(values.value(QStringLiteral("closeDate")) ==
              stored.data.value(QStringLiteral("closeDate")));
    }
}

TEST_CASE("The editor shows a record the server refused us permission for as read-only, saying "
          "why",
          "[ui][desktop][access]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-31001"), 500000);
    RecordTableModel* table = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return table->rowOf(id) >= 0; }));
    ben.window->openRecord(QStringLiteral("escrows"), id);
    RecordEditor* editor = ben.window->editor();
    CHECK(editor->readOnlyText().isEmpty());
    // A script of Ben's (same profile) tried to change Ana's commission.
    REQUIRE(table->updateRecord(table->rowOf(id), {{QStringLiteral("myCommission"), 1}}));
    REQUIRE(waitUntil([&] { return !editor->readOnlyText().isEmpty(); }));
    CHECK(editor->readOnlyText().contains(
        QStringLiteral("Only the owner or a broker admin may change My commission")));
    for (auto* line : editor->findChildren<QLineEdit*>())
        CHECK_FALSE(line->isEnabled());
    CHECK_FALSE(editor->save());
}

TEST_CASE("Activity panel: who changed what, before and after, filtered by teammate, module and "
          "record, choosing an entry opens the record",
          "[ui][desktop][activity]")
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString first = createEscrow(ana, QStringLiteral("ESC-41001"), 525000);
    const QString second = createEscrow(ana, QStringLiteral("ESC-41002"), 700000);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(first) >= 0 && benTable->rowOf(second) >= 0; }));
    REQUIRE(benTable->updateRecord(benTable->rowOf(first),
                                   {{QStringLiteral("purchasePrice"), 612500},
                                    {QStringLiteral("status"), QStringLiteral("pending")}}));

    ActivityPanel* panel = ana.window->activity();
    REQUIRE(panel);
    QAbstractItemModelTester tester(panel->filter(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QListView* view = panel->view();
    REQUIRE(waitUntil([&] { return view->model()->rowCount() == 3; }));
    const QModelIndex newest = view->model()->index(0, 0);
    CHECK(newest.data(ActivityModel::UserNameRole) == QStringLiteral("ben"));
    CHECK(ActivityDelegate::changesText(newest, QLocale()) ==
          QStringLiteral("Purchase price: $525,000 → $612,500; Status: Open → Pending"));

    auto choose = [](QComboBox* combo, const QVariant& data) {
        combo->setCurrentIndex(combo->findData(data));
    };
    auto* teammate = panel->findChildren<QComboBox*>().at(0);
    auto* module = panel->findChildren<QComboBox*>().at(1);
    REQUIRE(waitUntil([&] { return teammate->findData(server.ben.userId) >= 0; }));
    choose(teammate, server.ben.userId);
    CHECK(view->model()->rowCount() == 1);
    choose(teammate, QString());
    choose(module, QStringLiteral("listings"));
    CHECK(view->model()->rowCount() == 0);
    choose(module, QString());
    // This record only: the one open in the editor.
    ana.window->openRecord(QStringLiteral("escrows"), second);
    panel->findChild<QCheckBox*>()->setChecked(true);
    CHECK(view->model()->rowCount() == 1);
    panel->findChild<QCheckBox*>()->setChecked(false);
    // Choosing Ben's change opens that escrow.
    emit view->activated(view->model()->index(0, 0));
    CHECK(ana.window->editor()->recordId() == first);
}
