// TaskListModel, task cards and the task history against a real in-process crm-server:
// lifecycle (progress, cancel, retry, auto-dismiss), limits, re-sync after a reconnect, files.
#include "models/tasklistmodel.h"
#include "support/clientprofile.h"
#include "support/leadcsv.h"
#include "support/restcall.h"
#include "support/serverfixture.h"
#include "ui/taskcard.h"
#include "ui/taskcardstack.h"
#include "ui/taskhistorypanel.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>

using namespace crm;
using test::newId;
using test::restCall;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

namespace {

// One desktop's task side: its profile (store and client core) and the model.
struct Desk
{
    Desk(Server& server, const Identity& who, const QString& storePath)
        : profile(server, who, storePath), token(profile.token), connection(profile.connection),
          tasks(std::make_unique<TaskListModel>(*profile.core))
    {}
    void online() { profile.goOnline(); }

    test::Profile profile;
    QString& token;
    ConnectionManager& connection;
    std::unique_ptr<TaskListModel> tasks;
};

QString statusOf(const TaskListModel& tasks, const QString& id)
{
    const int row = tasks.rowOf(id);
    return row < 0 ? QString() : tasks.index(row).data(TaskListModel::StatusRole).toString();
}

QPushButton* button(TaskCard* card, const QString& accessibleName)
{
    for (auto* b : card->findChildren<QPushButton*>()) {
        if (b->accessibleName() == accessibleName)
            return b;
    }
    return nullptr;
}

} // namespace

TEST_CASE("TaskListModel: rows, progress-only dataChanged, history kept, re-synced after a "
          "reconnect",
          "[models][tasks]")
{
    Server s;
    Desk ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    QAbstractItemModelTester tester(ana.tasks.get(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    ana.online();
    QList<QList<int>> changes;
    QObject::connect(ana.tasks.get(), &QAbstractItemModel::dataChanged, ana.tasks.get(),
                     [&](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
                         changes.append(roles);
                     });
    QSignalSpy finished(ana.tasks.get(), &TaskListModel::taskFinished);
    QSignalSpy started(ana.tasks.get(), &TaskListModel::taskStarted);

    ana.tasks->start({QStringLiteral("csv_import"),
                      QStringLiteral("Spring leads"),
                      {{QStringLiteral("module"), QStringLiteral("leads")}},
                      test::makeLeadCsv(1500).text,
                      false});
    REQUIRE(waitUntil([&] { return started.count() == 1; }));
    const QString id = started.first().first().toString();
    REQUIRE(ana.tasks->rowCount() == 1);
    CHECK(ana.tasks->index(0).data(Qt::DisplayRole) == QStringLiteral("Spring leads"));
    REQUIRE(
        waitUntil([&] { return statusOf(*ana.tasks, id) == QStringLiteral("completed"); }, 60s));
    REQUIRE(finished.count() == 1);
    CHECK(finished.first().at(1) == QStringLiteral("completed"));
    // Progress events touched only the progress roles; state changes said so.
    int progressOnly = 0;
    for (const auto& roles : changes) {
        if (!roles.contains(TaskListModel::StatusRole)) {
            ++progressOnly;
            CHECK(roles.contains(TaskListModel::ProgressRole));
            CHECK_FALSE(roles.contains(TaskListModel::TitleRole));
        }
    }
    CHECK(progressOnly >= 1);
    CHECK(ana.tasks->index(0).data(TaskListModel::ProgressRole).toInt() == 100);
    CHECK(ana.tasks->index(0)
              .data(TaskListModel::ResultRole)
              .toMap()
              .value(QStringLiteral("imported")) == 1500 - test::makeLeadCsv(1500).bad);

    // Offline: a cancel is refused at once, saying why, and nothing is sent.
    ana.connection.stop();
    QSignalSpy offlineRefusal(ana.tasks.get(), &TaskListModel::actionFailed);
    ana.tasks->cancel(id);
    REQUIRE(offlineRefusal.count() == 1);
    CHECK(offlineRefusal.first().at(1).toString().startsWith(QStringLiteral("Not connected")));
    // ... while a task starts and finishes elsewhere; the reconnect brings its final state.
    const auto elsewhere =
        restCall(s.url(), ana.token, "POST", QStringLiteral("/api/tasks"),
                 {{QStringLiteral("kind"), QStringLiteral("csv_export")},
                  {QStringLiteral("params"),
                   QJsonObject{{QStringLiteral("module"), QStringLiteral("leads")}}}});
    REQUIRE(elsewhere.ok());
    const QString exportId = elsewhere.body.toObject().value(QStringLiteral("id")).toString();
    REQUIRE(waitUntil([&] {
        return restCall(s.url(), ana.token, "GET", QStringLiteral("/api/tasks/%1").arg(exportId))
                   .body.toObject()
                   .value(QStringLiteral("status")) == QStringLiteral("completed");
    }));
    CHECK(ana.tasks->rowOf(exportId) < 0);
    ana.online();
    REQUIRE(
        waitUntil([&] { return statusOf(*ana.tasks, exportId) == QStringLiteral("completed"); }));
    CHECK(ana.tasks->rowOf(exportId) == 0); // newest first

    // The history is in the profile: a new model shows it before the server says anything.
    TaskListModel cached(*ana.profile.core);
    QAbstractItemModelTester cachedTester(&cached,
                                          QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(cached.rowCount() == 2);
    CHECK(statusOf(cached, id) == QStringLiteral("completed"));
    // The history as an older version kept it (a bare array), with an entry this build cannot
    // read (a status a newer server added): the rest still shows.
    const QString kept = ana.profile.store->metaValue(QStringLiteral("task_list"));
    QJsonArray older = QJsonDocument::fromJson(kept.toUtf8()).array();
    REQUIRE(older.size() == 2);
    older.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("from-the-future")},
                             {QStringLiteral("status"), QStringLiteral("paused")}});
    REQUIRE(ana.profile.store->setMetaValue(QStringLiteral("task_list"),
                                            QString::fromUtf8(QJsonDocument(older).toJson())));
    TaskListModel olderCache(*ana.profile.core);
    CHECK(olderCache.rowCount() == 2);
    CHECK(olderCache.rowOf(QStringLiteral("from-the-future")) < 0);

    // A cancel the server refuses (already finished) is reported, not swallowed.
    QSignalSpy failed(ana.tasks.get(), &TaskListModel::actionFailed);
    ana.tasks->cancel(id);
    REQUIRE(waitUntil([&] { return failed.count() == 1; }));
    CHECK(failed.first().at(1).toString().contains(QStringLiteral("completed already")));
}

TEST_CASE("Task cards: progress, cancel, retry, auto-dismiss after success, and a bounded stack",
          "[ui][tasks]")
{
    Server s;
    Desk ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ana.online();
    QWidget window;
    window.resize(900, 700);
    TaskCardStack stack(ana.tasks.get(), &window);
    stack.setDismissAfterSuccess(300);
    window.show();

    QSignalSpy started(ana.tasks.get(), &TaskListModel::taskStarted);
    ana.tasks->start({QStringLiteral("csv_import"),
                      QStringLiteral("Open house sign-ups"),
                      {{QStringLiteral("module"), QStringLiteral("leads")}},
                      test::makeLeadCsv(4000).text,
                      false});
    REQUIRE(waitUntil([&] { return started.count() == 1; }));
    const QString id = started.first().first().toString();
    TaskCard* card = nullptr;
    REQUIRE(waitUntil([&] { return (card = stack.card(id)) != nullptr; }));
    CHECK(stack.isVisible());
    REQUIRE(waitUntil([&] { return card->findChild<QProgressBar*>()->value() >= 5; }, 30s));
    CHECK(card->status() == QStringLiteral("running"));
    QPushButton* cancel = button(card, QStringLiteral("Cancel task"));
    REQUIRE(cancel);
    CHECK(cancel->isVisible());
    CHECK_FALSE(button(card, QStringLiteral("Retry task"))->isVisible());
    cancel->click();
    REQUIRE(waitUntil([&] { return card->status() == QStringLiteral("cancelled"); }));
    // A cancelled task stays, says how far it got, and offers Retry instead of Cancel.
    CHECK_FALSE(cancel->isVisible());
    QPushButton* retry = button(card, QStringLiteral("Retry task"));
    CHECK(retry->isVisible());
    bool saysHowFar = false;
    for (auto* label : card->findChildren<QLabel*>())
        saysHowFar = saysHowFar || label->text().startsWith(QStringLiteral("Cancelled at "));
    CHECK(saysHowFar);
    test::spin(500ms);
    REQUIRE(stack.card(id) == card); // not auto-dismissed
    retry->click();
    REQUIRE(waitUntil([&] { return card->status() == QStringLiteral("running"); }));
    REQUIRE(waitUntil([&] { return card->status() == QStringLiteral("completed"); }, 60s));
    CHECK(card->findChild<QProgressBar*>()->value() == 100);
    // Success leaves by itself.
    REQUIRE(waitUntil([&] { return stack.card(id) == nullptr; }));
    REQUIRE(waitUntil([&] { return !stack.isVisible(); }));

    // Five agent tasks at once: three cards, and a way to the rest.
    stack.setMaxVisible(3);
    for (int i = 0; i < 5; ++i) {
        std::optional<AckOutcome> outcome;
        ana.connection.emitWithAck(
            QStringLiteral("task:start"),
            {QJsonObject{{QStringLiteral("kind"), QStringLiteral("agent")},
                         {QStringLiteral("title"), QStringLiteral("Agent %1").arg(i)}}},
            [&](const AckOutcome& o) { outcome = o; });
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    }
    REQUIRE(waitUntil([&] { return stack.cards().size() == 5; }));
    int visible = 0;
    for (auto* c : stack.cards())
        visible += c->isVisible() ? 1 : 0;
    CHECK(visible == 3);
    auto* more = stack.findChild<QPushButton*>(QString(), Qt::FindDirectChildrenOnly);
    REQUIRE(more);
    CHECK(more->isVisible());
    CHECK(more->text() == QStringLiteral("+2 more tasks – show history"));
    QSignalSpy history(&stack, &TaskCardStack::historyRequested);
    more->click();
    CHECK(history.count() == 1);
    // Dismissing a card keeps the task in the model (history), only the card goes.
    auto* close = stack.cards().first()->findChild<QToolButton*>();
    const QString dismissedId = stack.cards().first()->taskId();
    close->click();
    REQUIRE(waitUntil([&] { return stack.card(dismissedId) == nullptr; }));
    CHECK(ana.tasks->rowOf(dismissedId) >= 0);
    CHECK(TaskCard::formatElapsed(42) == QStringLiteral("0:42"));
    CHECK(TaskCard::formatElapsed(3723) == QStringLiteral("1:02:03"));
}

TEST_CASE("Task history: cancel and retry the selected task, save an export's file", "[ui][tasks]")
{
    Server s;
    Desk ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ana.online();
    TaskHistoryPanel panel(ana.tasks.get());
    QString savedTo;
    const QString target = s.dir.filePath(QStringLiteral("export.csv"));
    panel.setPathChooser([&](const QString& suggested) {
        savedTo = suggested;
        return target;
    });
    panel.show();
    QSignalSpy started(ana.tasks.get(), &TaskListModel::taskStarted);
    ana.tasks->start({QStringLiteral("csv_export"),
                      {},
                      {{QStringLiteral("module"), QStringLiteral("escrows")}},
                      {},
                      false});
    REQUIRE(waitUntil([&] { return started.count() == 1; }));
    const QString id = started.first().first().toString();
    REQUIRE(waitUntil([&] { return statusOf(*ana.tasks, id) == QStringLiteral("completed"); }));
    panel.select(id);
    auto* save = panel.findChild<QPushButton*>();
    for (auto* b : panel.findChildren<QPushButton*>()) {
        if (b->text() == QStringLiteral("Save export…"))
            save = b;
    }
    REQUIRE(save->isEnabled());
    QSignalSpy saved(&panel, &TaskHistoryPanel::fileSaved);
    save->click();
    REQUIRE(waitUntil([&] { return saved.count() == 1; }));
    CHECK(savedTo.endsWith(QStringLiteral("-output.csv")));
    QFile file(target);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll().startsWith("id,Escrow number"));
    // The delegate paints each row at a fixed height (smooth scrolling through history).
    CHECK(panel.view()->sizeHintForRow(0) > 0);
}

TEST_CASE("Task cards: an ended task folds to one line with its outcome, unfolds on demand, and "
          "is dismissed, while a running one stays full",
          "[ui][tasks]")
{
    Server s;
    Desk ana(s, s.ana, s.dir.filePath(QStringLiteral("ana.sqlite")));
    ana.online();
    QWidget window;
    window.resize(900, 700);
    TaskCardStack stack(ana.tasks.get(), &window);
    window.show();

    QSignalSpy started(ana.tasks.get(), &TaskListModel::taskStarted);
    ana.tasks->start({QStringLiteral("csv_import"),
                      QStringLiteral("Open house sign-ups"),
                      {{QStringLiteral("module"), QStringLiteral("leads")}},
                      test::makeLeadCsv(4000).text,
                      false});
    REQUIRE(waitUntil([&] { return started.count() == 1; }));
    const QString id = started.first().first().toString();
    TaskCard* card = nullptr;
    REQUIRE(waitUntil([&] { return (card = stack.card(id)) != nullptr; }));
    REQUIRE(waitUntil([&] { return card->status() == QStringLiteral("running"); }, 30s));
    // Running: full, with its progress and no fold toggle.
    CHECK_FALSE(card->isCollapsed());
    auto* progress = card->findChild<QProgressBar*>();
    CHECK(progress->isVisibleTo(card));
    auto toggle = [&]() -> QToolButton* {
        for (auto* b : card->findChildren<QToolButton*>()) {
            if (b->accessibleName() == QStringLiteral("Show details") ||
                b->accessibleName() == QStringLiteral("Hide details"))
                return b;
        }
        return nullptr;
    };
    REQUIRE(toggle());
    CHECK_FALSE(toggle()->isVisibleTo(card));
    const int fullHeight = card->height();

    button(card, QStringLiteral("Cancel task"))->click();
    REQUIRE(waitUntil([&] { return card->status() == QStringLiteral("cancelled"); }));
    // Ended: one line that says the outcome first, Retry still at hand, the rest folded away.
    CHECK(card->isCollapsed());
    CHECK(card->summary().startsWith(QStringLiteral("Cancelled · Open house sign-ups")));
    CHECK_FALSE(progress->isVisibleTo(card));
    CHECK(button(card, QStringLiteral("Retry task"))->isVisibleTo(card));
    CHECK(toggle()->isVisibleTo(card));
    CHECK(toggle()->accessibleName() == QStringLiteral("Show details"));
    CHECK(card->height() < fullHeight / 2);
    CHECK(stack.height() < fullHeight);

    // Unfolded by the agent, and folded again.
    toggle()->click();
    CHECK_FALSE(card->isCollapsed());
    CHECK(progress->isVisibleTo(card));
    CHECK(card->height() > fullHeight / 2);
    toggle()->click();
    CHECK(card->isCollapsed());

    // Dismissed: the card goes, the task stays in the history.
    card->findChild<QToolButton*>()->click();
    REQUIRE(waitUntil([&] { return stack.card(id) == nullptr; }));
    CHECK(ana.tasks->rowOf(id) >= 0);
}
