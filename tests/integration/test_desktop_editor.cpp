// The record editor keeps its word, offscreen against a real server: what is saved is exactly
// what is shown (typed text is read whole or refused on its field, never dropped, clamped or
// rolled into another date), typed changes survive moving to another record, a teammate's
// change mid-edit is followed or said, a record in conflict says who changed what, hidden
// values look hidden, and quitting says what has not been sent.
#include "app/conflictdecision.h"
#include "models/conflictmodel.h"
#include "models/notificationmodel.h"
#include "models/syncstatus.h"
#include "protocol/recordschema.h"
#include "support/desktopfixture.h"
#include "support/restcall.h"
#include "ui/conflictdialog.h"
#include "ui/connectionbadge.h"
#include "ui/fieldinput.h"
#include "ui/notificationbell.h"
#include "ui/recordeditor.h"
#include "ui/valuetext.h"

#include <catch2/catch.hpp>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStyleOptionToolButton>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolButton>

using namespace crm;
using test::retype;
using namespace std::chrono_literals;
using test::createEscrow;
using test::Desktop;
using test::makeConflict;
using test::waitUntil;

namespace {

const QLocale kUs(QLocale::English, QLocale::UnitedStates);

const FieldSpec& fieldOf(const QString& module, const QString& name)
{
    return *RecordSchema::instance().module(module)->field(name);
}

// Answers the next modal message box with the button whose text is `answer`.
void answerNextMessageBox(const QString& answer)
{
    QTimer::singleShot(0, [answer] {
        // No REQUIRE here: Catch must not throw through Qt's event dispatch.
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        CHECK(box);
        for (QAbstractButton* button : box ? box->buttons() : QList<QAbstractButton*>()) {
            if (button->text().remove(u'&') == answer) {
                button->click();
                return;
            }
        }
        CHECK(answer == QStringLiteral("a button that is there"));
        if (box)
            box->reject();
    });
}

QJsonValue stored(Desktop& desk, const QString& id, const QString& field)
{
    RecordTableModel* table = desk.session.table(QStringLiteral("escrows"));
    return table->recordValues(table->rowOf(id)).value(field);
}

} // namespace

TEST_CASE("Typed values: read whole or refused with the reason, never dropped, clamped or "
          "rolled over",
          "[ui][editor][values]")
{
    const ValueText text(kUs);
    const FieldSpec& price = fieldOf(QStringLiteral("escrows"), QStringLiteral("purchasePrice"));
    // Letters are not dropped ("12abc5x" was saved as 125).
    CHECK_FALSE(text.read(price, QStringLiteral("12abc5x")).ok());
    CHECK(text.read(price, QStringLiteral("12abc5x")).problem.contains(QStringLiteral("12abc5x")));
    // Over the limit is refused, not clamped to it; below zero likewise.
    CHECK(text.read(price, QStringLiteral("12345678901")).problem ==
          QStringLiteral("Must be at most 1,000,000,000"));
    CHECK(text.read(price, QStringLiteral("-5")).problem == QStringLiteral("Must be at least 0"));
    CHECK(text.read(price, QStringLiteral("450.255")).problem.contains(QStringLiteral("cents")));
    // The editor's own way of writing it, and the agent's, read back as the same number.
    CHECK(text.read(price, QStringLiteral("$ 450,000.50")).value == 450000.5);
    CHECK(text.read(price, QStringLiteral("450000")).value == 450000);
    CHECK(text.write(price, 450000) == QStringLiteral("$ 450,000.00"));
    CHECK(text.read(price, text.write(price, 1234567.89)).value == 1234567.89);
    CHECK(text.read(price, QStringLiteral("  ")).value.isNull());
    // The limit is said before it bites.
    CHECK(text.hint(price) == QStringLiteral("$ 0 to $ 1,000,000,000"));

    const FieldSpec& beds = fieldOf(QStringLiteral("listings"), QStringLiteral("beds"));
    CHECK(text.read(beds, QStringLiteral("2.5")).problem ==
          QStringLiteral("Must be a whole number"));
    CHECK(text.read(beds, QStringLiteral("3")).value == 3);

    // Dates: the locale's short format (two-digit years in the nearest century) and ISO; the
    // rest is refused, never rolled into another date (13/45/27 became 12/4/52).
    const FieldSpec& close = fieldOf(QStringLiteral("escrows"), QStringLiteral("closeDate"));
    const int century = QDate::currentDate().year() / 100 * 100;
    CHECK(text.read(close, QStringLiteral("1/15/27")).value ==
          QDate(century + 27, 1, 15).toString(Qt::ISODate));
    CHECK(text.read(close, QStringLiteral("1/15/2027")).value == QStringLiteral("2027-01-15"));
    CHECK(text.read(close, QStringLiteral("2027-01-15")).value == QStringLiteral("2027-01-15"));
    CHECK_FALSE(text.read(close, QStringLiteral("13/45/27")).ok());
    CHECK_FALSE(text.read(close, QStringLiteral("2/30/2027")).ok());
    CHECK_FALSE(text.read(close, QStringLiteral("next friday")).ok());
    CHECK(
        text.read(close, QStringLiteral("13/45/27")).problem.contains(QStringLiteral("1/15/2027")));
    CHECK(text.write(close, QStringLiteral("2027-01-15")) == QStringLiteral("1/15/2027"));

    // Cents at any size (a double's error grows with the amount); exponents are not numbers.
    CHECK(text.read(price, QStringLiteral("134226416.48")).value == 134226416.48);
    CHECK(text.read(price, QStringLiteral("999999999.99")).ok());
    CHECK_FALSE(text.read(price, QStringLiteral("1e5")).ok());
    // A year before 1900 is a typo, not a date to save.
    CHECK_FALSE(text.read(close, QStringLiteral("1/15/0027")).ok());

    // Other locales read their own way, never guessed: in German '.' groups thousands.
    const ValueText german(QLocale(QLocale::German, QLocale::Germany));
    CHECK(german.read(price, QStringLiteral("1.500")).value == 1500);
    CHECK(german.read(price, QStringLiteral("1.500,25")).value == 1500.25);
    CHECK(german.read(price, QStringLiteral("1,5")).value == 1.5);
    CHECK_FALSE(german.read(price, QStringLiteral("1.50")).ok());
    CHECK(german.read(close, QStringLiteral("15.1.27")).value ==
          QDate(century + 27, 1, 15).toString(Qt::ISODate));
    CHECK(german.read(close, QStringLiteral("15.01.2027")).value == QStringLiteral("2027-01-15"));
    // A locale that writes four-digit years still takes two.
    const ValueText british(QLocale(QLocale::English, QLocale::UnitedKingdom));
    CHECK(british.read(close, QStringLiteral("15/01/27")).value ==
          QDate(century + 27, 1, 15).toString(Qt::ISODate));
    CHECK_FALSE(british.read(close, QStringLiteral("1/15/27")).ok());

    // Text longer than the field's limit is refused whole, never cut.
    const FieldSpec& address =
        fieldOf(QStringLiteral("escrows"), QStringLiteral("propertyAddress"));
    CHECK(text.read(address, QString(201, u'a')).problem ==
          QStringLiteral("1 character too long: at most 200"));
    CHECK(text.read(address, QStringLiteral(" 12 Harbor Way ")).value ==
          QStringLiteral("12 Harbor Way"));
    const FieldSpec& email = fieldOf(QStringLiteral("clients"), QStringLiteral("email"));
    CHECK(text.read(email, QStringLiteral("not-an-email")).problem ==
          QStringLiteral("Not an email address"));
}

TEST_CASE("The editor saves exactly what it shows: a wrong value is an error on its field and "
          "is never saved",
          "[ui][editor]")
{
    QLocale::setDefault(kUs);
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-T"), 100000);
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));
    ana.window->openRecord(QStringLiteral("escrows"), id);
    RecordEditor* editor = ana.window->editor();
    QWidget* price = editor->editorFor(QStringLiteral("purchasePrice"));
    auto* priceInput = qobject_cast<FieldInput*>(price->parentWidget());
    REQUIRE(priceInput);
    CHECK(qobject_cast<QLineEdit*>(price)->text() == QStringLiteral("$ 100,000.00"));
    CHECK(qobject_cast<QLineEdit*>(price)->placeholderText() ==
          QStringLiteral("$ 0 to $ 1,000,000,000"));

    for (const QString& wrong :
         {QStringLiteral("12abc5x"), QStringLiteral("12345678901"), QStringLiteral("-5")}) {
        retype(price, wrong);
        // Shown as typed, with the reason under the field, and Save (and Ctrl+S) do nothing.
        CHECK(qobject_cast<QLineEdit*>(price)->text() == wrong);
        CHECK_FALSE(priceInput->problem().isEmpty());
        auto* problem = priceInput->findChild<QLabel*>();
        REQUIRE(problem);
        CHECK(problem->isVisible());
        CHECK(editor->errorText().contains(QStringLiteral("Purchase price")));
        CHECK_FALSE(editor->save());
        QTest::keyClick(price, Qt::Key_S, Qt::ControlModifier);
        CHECK(ana.session.store().outbox().count() == 0);
        CHECK(stored(ana, id, QStringLiteral("purchasePrice")) == 100000);
    }
    // A valid value is saved as typed, and shown as the editor writes it.
    retype(price, QStringLiteral("125000"));
    CHECK(priceInput->problem().isEmpty());
    REQUIRE(editor->save());
    CHECK(stored(ana, id, QStringLiteral("purchasePrice")) == 125000);
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("purchasePrice")))->text() ==
          QStringLiteral("$ 125,000.00"));

    // A date typed in the locale's short form is the date it says; a wrong one is refused.
    QWidget* close = editor->editorFor(QStringLiteral("closeDate"));
    retype(close, QStringLiteral("13/45/27"));
    CHECK_FALSE(editor->save());
    retype(close, QStringLiteral("1/15/27"));
    REQUIRE(editor->save());
    const int century = QDate::currentDate().year() / 100 * 100;
    CHECK(stored(ana, id, QStringLiteral("closeDate")) ==
          QDate(century + 27, 1, 15).toString(Qt::ISODate));
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("closeDate")))->text() ==
          QStringLiteral("1/15/%1").arg(century + 27));

    // The title says what the record is, capitalized; with nothing selected, a hint, no form.
    CHECK(editor->titleText() == QStringLiteral("Escrow ESC-T"));
    CHECK(editor->isFormShown());
    editor->showRecord(ana.session.table(QStringLiteral("escrows")), -1);
    CHECK_FALSE(editor->isFormShown());
    QLocale::setDefault(QLocale::system());
}

TEST_CASE("Long notes are several lines with their limit shown, and are saved whole",
          "[ui][editor]")
{
    QLocale::setDefault(kUs);
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    RecordTableModel* clients = ana.session.table(QStringLiteral("clients"));
    QString error;
    const QString id =
        clients->createRecord({{QStringLiteral("name"), QStringLiteral("Mia")}}, &error);
    REQUIRE_FALSE(id.isEmpty());
    ana.window->openRecord(QStringLiteral("clients"), id);
    RecordEditor* editor = ana.window->editor();
    auto* notes = qobject_cast<QPlainTextEdit*>(editor->editorFor(QStringLiteral("notes")));
    REQUIRE(notes);
    const QString text = QStringLiteral("Inspection moved to Friday.\nBuyer wants the pool "
                                        "checked.\n") +
                         QString(300, u'x');
    notes->setPlainText(text);
    auto* input = qobject_cast<FieldInput*>(notes->parentWidget());
    REQUIRE(input);
    QLabel* count = nullptr;
    for (auto* label : input->findChildren<QLabel*>())
        if (label->accessibleName() == QStringLiteral("Characters used"))
            count = label;
    REQUIRE(count);
    CHECK(count->text() == QStringLiteral("%1 / 4,000").arg(text.size()));
    REQUIRE(editor->save());
    CHECK(clients->recordValues(clients->rowOf(id)).value(QStringLiteral("notes")) == text);
    QLocale::setDefault(QLocale::system());
}

TEST_CASE("Typed changes survive moving to another record: kept as a draft, or asked",
          "[ui][editor][drafts]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    const QString first = createEscrow(ana, QStringLiteral("ESC-1"), 100000);
    const QString second = createEscrow(ana, QStringLiteral("ESC-2"), 200000);
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));
    RecordEditor* editor = ana.window->editor();

    // A search that hides the record does not stop it opening from elsewhere.
    QLineEdit* search = nullptr;
    for (auto* line : ana.escrows()->findChildren<QLineEdit*>())
        if (line->accessibleName() == QStringLiteral("Search records"))
            search = line;
    REQUIRE(search);
    search->setText(QStringLiteral("ESC-2"));
    ana.window->openRecord(QStringLiteral("escrows"), first);
    CHECK(editor->recordId() == first);
    CHECK(search->text().isEmpty());
    retype(editor->editorFor(QStringLiteral("escrowCompany")), QStringLiteral("Pacific Escrow"));
    retype(editor->editorFor(QStringLiteral("purchasePrice")), QStringLiteral("12abc"));
    ana.window->openRecord(QStringLiteral("escrows"), second);
    REQUIRE(editor->recordId() == second);
    // Nothing was saved or sent; the draft is counted for the quit question.
    CHECK(ana.session.store().outbox().count() == 0);
    CHECK(stored(ana, first, QStringLiteral("escrowCompany")).toString().isEmpty());
    CHECK(editor->hasDraft(QStringLiteral("escrows"), first));
    CHECK(editor->unsavedCount() == 1);
    CHECK(ana.window->unfinishedWork().contains(QStringLiteral("unsaved changes in 1 record")));
    CHECK(editor->draftText().isEmpty());

    // Back on the first record: the typed values are there (the wrong one too), and said.
    ana.window->openRecord(QStringLiteral("escrows"), first);
    CHECK_FALSE(editor->draftText().isEmpty());
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("escrowCompany")))->text() ==
          QStringLiteral("Pacific Escrow"));
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("purchasePrice")))->text() ==
          QStringLiteral("12abc"));
    CHECK_FALSE(editor->save());
    retype(editor->editorFor(QStringLiteral("purchasePrice")), QStringLiteral("110000"));
    REQUIRE(editor->save());
    CHECK(stored(ana, first, QStringLiteral("escrowCompany")) == QStringLiteral("Pacific Escrow"));
    CHECK(stored(ana, first, QStringLiteral("purchasePrice")) == 110000);
    CHECK(editor->unsavedCount() == 0);

    // "Ask me": Cancel stays on the record with the typing intact, Discard lets it go.
    editor->setLeavePolicy(RecordEditor::LeavePolicy::Ask);
    retype(editor->editorFor(QStringLiteral("escrowCompany")), QStringLiteral("Bay Escrow"));
    answerNextMessageBox(QStringLiteral("Cancel"));
    ana.window->openRecord(QStringLiteral("escrows"), second);
    CHECK(editor->recordId() == first);
    // The table goes back to the record the agent stayed on (after the click is handled).
    REQUIRE(waitUntil([&] {
        return ana.escrows()->currentRow() ==
               ana.session.table(QStringLiteral("escrows"))->rowOf(first);
    }));
    CHECK(editor->recordId() == first);
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("escrowCompany")))->text() ==
          QStringLiteral("Bay Escrow"));
    // Undo would wipe the typing: it waits until the changes are saved or discarded.
    CHECK_FALSE(editor->undoLastSave());
    answerNextMessageBox(QStringLiteral("Save"));
    ana.window->openRecord(QStringLiteral("escrows"), second);
    CHECK(editor->recordId() == second);
    CHECK(stored(ana, first, QStringLiteral("escrowCompany")) == QStringLiteral("Bay Escrow"));
}

TEST_CASE("A teammate's change mid-edit: untouched fields follow it, a field being changed says "
          "so and keeps what the agent typed",
          "[ui][editor]")
{
    QLocale::setDefault(kUs);
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-M"), 300000);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    ana.window->openRecord(QStringLiteral("escrows"), id);
    RecordEditor* editor = ana.window->editor();
    retype(editor->editorFor(QStringLiteral("purchasePrice")), QStringLiteral("310000"));

    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("purchasePrice"), 320000},
                                    {QStringLiteral("escrowCompany"), QStringLiteral("Ben's")}}));
    auto* company = qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("escrowCompany")));
    REQUIRE(waitUntil([&] { return company->text() == QStringLiteral("Ben's"); }));
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("purchasePrice")))->text() ==
          QStringLiteral("310000"));
    CHECK(editor->fieldNote(QStringLiteral("purchasePrice")).contains(QStringLiteral("$320,000")));
    // Saving sends only what Ana changed, not Ben's company back as hers.
    REQUIRE(editor->save());
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));
    REQUIRE(waitUntil([&] {
        return benTable->recordValues(benTable->rowOf(id)).value(QStringLiteral("purchasePrice")) ==
               310000;
    }));
    CHECK(stored(ana, id, QStringLiteral("escrowCompany")) == QStringLiteral("Ben's"));
    QLocale::setDefault(QLocale::system());
}

TEST_CASE("A record in conflict says who changed what, and its dialog names the record and "
          "takes only valid typed values",
          "[ui][editor][conflict]")
{
    QLocale::setDefault(kUs);
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-26867"), 400000);
    makeConflict(server, server.ana, ana, ben, id, {{QStringLiteral("purchasePrice"), 410000}},
                 {{QStringLiteral("purchasePrice"), 420000}});
    // The notification names who, too.
    QStringList titles;
    for (int row = 0; row < ana.session.notifications().rowCount(); ++row)
        titles.append(
            ana.session.notifications().index(row).data(NotificationModel::TitleRole).toString());
    CHECK(titles.contains(
        QStringLiteral("Your change to escrow “ESC-26867” met ben's: choose what to keep")));
    // Selected in the table (openRecord would offer the dialog at once).
    ana.escrows()->selectRecord(id);
    RecordEditor* editor = ana.window->editor();
    REQUIRE(waitUntil([&] { return !editor->conflictText().isEmpty(); }));
    CHECK(editor->conflictText().startsWith(QStringLiteral("ben changed the purchase price")));
    // The row's amber mark stays visible on the selected row (not swallowed by the highlight).
    QTableView* view = ana.escrows()->tableView();
    view->setFocus();
    const QModelIndex selected = view->currentIndex();
    REQUIRE(selected.isValid());
    const QRect cell = view->visualRect(view->model()->index(selected.row(), 0));
    const QImage shot = view->viewport()->grab().toImage();
    CHECK(shot.pixelColor(cell.left() + 1, cell.center().y()) == QColor(0xf5, 0x9e, 0x0b));
    CHECK(shot.pixelColor(cell.left() + 4, cell.center().y()) ==
          view->palette().color(QPalette::Base));
    // Resolve opens that conflict's dialog; "Later" leaves it open.
    QSignalSpy resolve(editor, &RecordEditor::resolveRequested);
    QString shownTitle;
    QTimer::singleShot(0, [&shownTitle] {
        if (auto* dialog = qobject_cast<ConflictDialog*>(QApplication::activeModalWidget())) {
            shownTitle = dialog->windowTitle();
            dialog->reject();
        }
    });
    for (auto* button : editor->findChildren<QPushButton*>())
        if (button->text() == QStringLiteral("Resolve…"))
            button->click();
    REQUIRE(resolve.count() == 1);
    CHECK(shownTitle == QStringLiteral("Resolve a conflict - Escrow ESC-26867"));
    CHECK_FALSE(editor->conflictText().isEmpty());

    ConflictDialog dialog(ana.session.conflicts(), 0, nullptr, ana.session.tables(), nullptr);
    CHECK(dialog.windowTitle() == QStringLiteral("Resolve a conflict - Escrow ESC-26867"));
    QStringList labels;
    for (auto* label : dialog.findChildren<QLabel*>())
        labels.append(label->text());
    CHECK(labels.contains(QStringLiteral("ben changed Escrow ESC-26867 at the same time as you")));
    dialog.choose(0, ConflictDialog::Keep::Typed, QStringLiteral("abc"));
    CHECK(dialog.problem() == QStringLiteral("Purchase price: \"abc\" is not a number"));
    QPushButton* apply = nullptr;
    for (auto* button : dialog.findChild<QDialogButtonBox*>()->buttons())
        if (button->text() == QStringLiteral("Apply my choices"))
            apply = qobject_cast<QPushButton*>(button);
    REQUIRE(apply);
    CHECK_FALSE(apply->isEnabled());
    dialog.choose(0, ConflictDialog::Keep::Typed, QStringLiteral("$ 415,000"));
    CHECK(apply->isEnabled());
    apply->click();
    CHECK(dialog.decision() == ConflictDialog::Decision::Merge);
    CHECK(dialog.mergedValues().value(QStringLiteral("purchasePrice")) == 415000);
    REQUIRE(applyConflictDecision(ana.session.core(), dialog.conflictId(), dialog.decision(),
                                  dialog.mergedValues())
                .ok());
    REQUIRE(waitUntil([&] { return editor->conflictText().isEmpty(); }));
    QLocale::setDefault(QLocale::system());
}

TEST_CASE("A hidden value looks hidden, and quitting says what has not been sent", "[ui][editor]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-H"), 100000);
    RecordTableModel* anaTable = ana.session.table(QStringLiteral("escrows"));
    REQUIRE(anaTable->updateRecord(anaTable->rowOf(id), {{QStringLiteral("myCommission"), 3000}}));
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    const int commissionColumn = 5;
    REQUIRE(benTable->headerData(commissionColumn, Qt::Horizontal, Qt::DisplayRole) ==
            QStringLiteral("My commission"));
    REQUIRE(waitUntil([&] {
        return benTable->rowOf(id) >= 0 && benTable->index(benTable->rowOf(id), commissionColumn)
                                               .data(RecordTableModel::MaskedRole)
                                               .toBool();
    }));
    ben.window->openRecord(QStringLiteral("escrows"), id);
    auto* commission =
        qobject_cast<QLineEdit*>(ben.window->editor()->editorFor(QStringLiteral("myCommission")));
    REQUIRE(commission);
    // Not "$ 0.00" greyed out: empty, with a placeholder that says why.
    CHECK(commission->text().isEmpty());
    CHECK(commission->placeholderText().startsWith(QStringLiteral("Hidden")));
    CHECK_FALSE(commission->isEnabled());

    CHECK(ben.window->unfinishedWork().isEmpty());
    ben.session.goOffline();
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("status"), QStringLiteral("pending")}}));
    REQUIRE(benTable->updateRecord(benTable->rowOf(id),
                                   {{QStringLiteral("escrowCompany"), QStringLiteral("Coast")}}));
    CHECK(ben.window->unfinishedWork().startsWith(QStringLiteral("2 changes not sent yet")));
    answerNextMessageBox(QStringLiteral("Cancel"));
    CHECK_FALSE(ben.window->close());
    CHECK(ben.window->isVisible());
}

TEST_CASE("Asking before leaving: Cancel on another module or a new record stays put and asks "
          "once, a teammate's delete never asks and says what was lost",
          "[ui][editor][drafts]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    Desktop ben(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-A"), 100000);
    RecordTableModel* benTable = ben.session.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return benTable->rowOf(id) >= 0; }));
    RecordEditor* editor = ana.window->editor();
    editor->setLeavePolicy(RecordEditor::LeavePolicy::Ask);
    int asked = 0;
    auto cancelEveryQuestion = [&asked] {
        // Answers (and counts) every question the window asks until the test moves on.
        auto* timer = new QTimer(qApp);
        QObject::connect(timer, &QTimer::timeout, [&asked] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                ++asked;
                box->button(QMessageBox::Cancel)->click();
            }
        });
        timer->start(20);
        return timer;
    };

    // A new record being typed: another module, Cancel: still on the new record, asked once.
    emit ana.escrows()->newRecordRequested();
    retype(editor->editorFor(QStringLiteral("number")), QStringLiteral("ESC-NEW"));
    QTimer* answering = cancelEveryQuestion();
    CHECK_FALSE(ana.window->showModule(2));
    test::spin(300ms);
    CHECK(asked == 1);
    CHECK(ana.window->pane(0)->isVisible());
    CHECK(editor->titleText() == QStringLiteral("New Escrow"));
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("number")))->text() ==
          QStringLiteral("ESC-NEW"));
    // Clicking New again keeps what is typed.
    emit ana.escrows()->newRecordRequested();
    CHECK(qobject_cast<QLineEdit*>(editor->editorFor(QStringLiteral("number")))->text() ==
          QStringLiteral("ESC-NEW"));
    delete answering;
    answerNextMessageBox(QStringLiteral("Discard"));
    ana.window->openRecord(QStringLiteral("escrows"), id);
    REQUIRE(editor->recordId() == id);

    // Ben deletes the record Ana is changing: no question, no phantom draft, and it is said.
    asked = 0;
    answering = cancelEveryQuestion();
    retype(editor->editorFor(QStringLiteral("escrowCompany")), QStringLiteral("Typed Co"));
    REQUIRE(benTable->deleteRecord(benTable->rowOf(id)));
    REQUIRE(waitUntil([&] { return editor->recordId() != id; }));
    test::spin(200ms);
    delete answering;
    CHECK(asked == 0);
    CHECK(editor->unsavedCount() == 0);
    CHECK(editor->readOnlyText().contains(QStringLiteral("was deleted by someone else")));
}

namespace {

// Reads the style option a tool button paints with (initStyleOption is protected).
template <class Button> struct PaintedAs : Button
{
    using Button::Button;
    QStyleOptionToolButton option() const
    {
        QStyleOptionToolButton option;
        this->initStyleOption(&option);
        return option;
    }
};

} // namespace

TEST_CASE("The bell and the badge open their menus on a click, with no menu arrow beside them",
          "[ui][header]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    PaintedAs<NotificationBell> bell(&ana.session.notifications());
    PaintedAs<ConnectionBadge> badge(&ana.session.status());
    for (const QToolButton* button :
         {static_cast<QToolButton*>(&bell), static_cast<QToolButton*>(&badge)}) {
        REQUIRE(button->menu());
        CHECK(button->popupMode() == QToolButton::InstantPopup);
    }
    CHECK_FALSE(bell.option().features & QStyleOptionToolButton::HasMenu);
    CHECK_FALSE(badge.option().features & QStyleOptionToolButton::HasMenu);
    // A plain tool button with a menu is painted with the arrow: what the two override.
    PaintedAs<QToolButton> plain;
    plain.setMenu(bell.menu());
    plain.setPopupMode(QToolButton::InstantPopup);
    CHECK(plain.option().features & QStyleOptionToolButton::HasMenu);
}

TEST_CASE("A record that leaves the agent's reach while open is said so, with no Save that does "
          "nothing",
          "[ui][editor][access]")
{
    QLocale::setDefault(kUs);
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    const QString id = createEscrow(ana, QStringLiteral("ESC-MOVED"), 100000);
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));
    ana.window->openRecord(QStringLiteral("escrows"), id);
    RecordEditor* editor = ana.window->editor();
    REQUIRE(editor->recordId() == id);
    retype(editor->editorFor(QStringLiteral("purchasePrice")), QStringLiteral("120000"));

    // The broker admin moves Ana to South: her copy reloads without North's records.
    RecordTableModel* table = ana.session.table(QStringLiteral("escrows"));
    QSignalSpy reloaded(table, &RecordTableModel::reloaded);
    REQUIRE(test::restCall(server.url(), server.token(server.dee), "PATCH",
                           QStringLiteral("/api/users/%1").arg(server.ana.userId),
                           {{QStringLiteral("team"), QStringLiteral("South")}})
                .ok());
    REQUIRE(waitUntil([&] { return reloaded.count() == 1; }, 20s));
    CHECK(table->rowOf(id) < 0);
    // The editor lets the record go and says why, typed changes included; nothing is queued.
    CHECK(editor->recordId().isEmpty());
    INFO("editor says " << editor->readOnlyText().toStdString());
    CHECK(
        editor->readOnlyText().contains(QStringLiteral("no longer among the records you may see")));
    CHECK(editor->readOnlyText().contains(QStringLiteral("unsaved changes")));
    CHECK_FALSE(editor->save());
    CHECK(ana.session.store().outbox().count() == 0);
    // A change of a row that is gone is refused with its reason, never a silent false.
    QString why;
    CHECK_FALSE(table->updateRecord(table->rowCount(),
                                    {{QStringLiteral("status"), QStringLiteral("closing")}}, &why));
    CHECK(why.contains(QStringLiteral("no longer among the records you may see")));
    CHECK_FALSE(table->deleteRecord(-1, &why));
    CHECK_FALSE(why.isEmpty());
}
