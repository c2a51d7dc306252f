// The pictures of what comes to the agent, from real sessions on the demo brokerage: task cards
// and toasts in their place over the editor's column, the notification center, the task history
// and the activity feed. Written to CRM_SCREENSHOT_DIR when it is set (scripts/screenshots.sh);
// otherwise every one is still rendered and checked.
#include "models/activitymodel.h"
#include "models/notificationmodel.h"
#include "models/tasklistmodel.h"
#include "realtime/restclient.h"
#include "support/demobrokerage.h"
#include "support/leadcsv.h"
#include "support/screenshots.h"
#include "support/serverfixture.h"
#include "ui/activitypanel.h"
#include "ui/notificationbell.h"
#include "ui/recordeditor.h"
#include "ui/taskcardstack.h"
#include "ui/taskhistorypanel.h"
#include "ui/toaststack.h"

#include <catch2/catch.hpp>
#include <QDockWidget>
#include <QListView>
#include <QSignalSpy>

using namespace crm;
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

// Sam changes two of Alex's escrows (a price, then a status and close date): two notifications.
void samChangesAlexsEscrows(DemoBrokerage& demo, DemoDesktop& sam)
{
    const QList<StoredRecord> own = demo.ownEscrows(kAlex);
    REQUIRE(own.size() >= 2);
    RecordTableModel* table = sam.table(QStringLiteral("escrows"));
    REQUIRE(waitUntil([&] { return table->rowOf(own.at(1).id) >= 0; }));
    const int price = own.at(0).data.value(QStringLiteral("purchasePrice")).toInt();
    REQUIRE(table->updateRecord(table->rowOf(own.at(0).id),
                                {{QStringLiteral("purchasePrice"), price + 15000}}));
    REQUIRE(waitUntil([&] { return sam.session.store().outbox().count() == 0; }));
    REQUIRE(table->updateRecord(table->rowOf(own.at(1).id),
                                {{QStringLiteral("status"), QStringLiteral("closing")},
                                 {QStringLiteral("closeDate"), QStringLiteral("2027-01-22")}}));
    REQUIRE(waitUntil([&] { return sam.session.store().outbox().count() == 0; }));
}

} // namespace

TEST_CASE("Screenshots: task cards and toasts over the editor's column, the notification center "
          "and the task history",
          "[ui][screenshots]")
{
    test::ScreenshotSandbox sandbox;
    DemoBrokerage demo;
    DemoDesktop alex(demo, kAlex);
    DemoDesktop sam(demo, kSam);
    MainWindow* window = alex.window.get();
    auto* toasts = window->findChild<ToastStack*>();
    REQUIRE(toasts);
    toasts->setDurations(600000, 600000); // they stay while the pictures are taken
    alex.window->openRecord(QStringLiteral("escrows"),
                            demo.escrow(kAlex, QStringLiteral("ESC-26867")));

    // Alex's AI agent (examples/agent signs in the same way), half-way through.
    const QString key = demo.server->tokens().createAgentKey(demo.who(kAlex).userId,
                                                             QStringLiteral("Escrow assistant"));
    RestClient rest;
    rest.setBaseUrl(demo.url);
    std::optional<RestReply> session;
    rest.post(QStringLiteral("/api/agent/session"), QJsonObject{{QStringLiteral("key"), key}},
              [&](const RestReply& reply) { session = reply; });
    REQUIRE(waitUntil([&] { return session.has_value(); }));
    test::Agent bot(demo.url,
                    session->body.toObject().value(QStringLiteral("accessToken")).toString(),
                    test::newId());
    bot.connect();
    auto ask = [&](const QString& event, const QJsonObject& payload) {
        std::optional<AckOutcome> outcome;
        bot.manager.emitWithAck(event, {payload}, [&](const AckOutcome& o) { outcome = o; });
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
        return outcome->args.first().toObject();
    };
    const QString agentTask =
        ask(QStringLiteral("task:start"),
            {{QStringLiteral("kind"), QStringLiteral("agent")},
             {QStringLiteral("title"), QStringLiteral("Open escrow ESC-2040")}})
            .value(QStringLiteral("task"))
            .toObject()
            .value(QStringLiteral("id"))
            .toString();
    ask(QStringLiteral("task:report"),
        {{QStringLiteral("id"), agentTask},
         {QStringLiteral("step"), QStringLiteral("Creating the listing at 88 Pier Street")},
         {QStringLiteral("stepsDone"), 2},
         {QStringLiteral("stepsTotal"), 4}});

    // A finished export, and an import Alex stopped (with Retry).
    TaskListModel& tasks = alex.session.tasks();
    QSignalSpy started(&tasks, &TaskListModel::taskStarted);
    tasks.start({QStringLiteral("csv_export"),
                 {},
                 {{QStringLiteral("module"), QStringLiteral("escrows")}},
                 {},
                 false});
    tasks.start({QStringLiteral("csv_import"),
                 QStringLiteral("Import open-house-signups.csv"),
                 {{QStringLiteral("module"), QStringLiteral("leads")}},
                 test::makeLeadCsv(3000).text,
                 false});
    REQUIRE(waitUntil([&] { return started.count() == 2; }));
    const QString import = started.at(1).first().toString();
    REQUIRE(waitUntil(
        [&] {
            const int row = tasks.rowOf(import);
            return row >= 0 && tasks.index(row).data(TaskListModel::ProgressRole).toInt() >= 20;
        },
        60s));
    tasks.cancel(import);
    REQUIRE(waitUntil([&] {
        return tasks.index(tasks.rowOf(import)).data(TaskListModel::StatusRole) ==
               QStringLiteral("cancelled");
    }));
    REQUIRE(waitUntil([&] {
        return window->taskCards()->card(agentTask) != nullptr &&
               window->taskCards()->card(import) != nullptr;
    }));
    keepWindow(window, QStringLiteral("task-cards.png"), Width::Full, kLight);
    keepWindow(window, QStringLiteral("task-cards-dark-half.png"), Width::Half, kDark);

    // Sam changes two of Alex's escrows: two toasts above the cards.
    samChangesAlexsEscrows(demo, sam);
    REQUIRE(waitUntil([&] { return toasts->visibleToasts() == 2; }));
    CHECK(toasts->toastTexts().first().startsWith(QStringLiteral("Sam Okafor changed")));
    keepWindow(window, QStringLiteral("main-window-toasts.png"), Width::Full, kLight);
    keepWindow(window, QStringLiteral("main-window-toasts-dark-half.png"), Width::Half, kDark);

    // The notification center, open under its button.
    auto* bell = window->findChild<NotificationBell*>();
    REQUIRE(bell);
    REQUIRE(waitUntil([&] { return alex.session.notifications().unreadCount() >= 2; }));
    for (const QString& theme : {kLight, kDark}) {
        test::useTheme(theme);
        test::useWidth(window, theme == kLight ? Width::Full : Width::Half);
        const QPoint at = bell->mapTo(window, bell->rect().bottomLeft());
        bell->menu()->popup(bell->mapToGlobal(bell->rect().bottomLeft()));
        keep(test::withMenu(window, bell->menu(), at),
             theme == kLight ? QStringLiteral("notification-center.png")
                             : QStringLiteral("notification-center-dark-half.png"));
        bell->menu()->close();
    }

    // The task history, the import selected (Retry, and what it did before it was stopped).
    // At full width only: beside the table and the editor at their narrowest it needs more than
    // half a screen.
    TaskHistoryPanel* history = window->taskHistory();
    auto* historyDock = qobject_cast<QDockWidget*>(history->parentWidget());
    REQUIRE(historyDock);
    historyDock->show();
    history->select(import);
    for (const QString& theme : {kLight, kDark}) {
        test::useTheme(theme);
        test::useWidth(window, Width::Full);
        window->resizeDocks({historyDock}, {500}, Qt::Horizontal);
        test::spin(100ms);
        keep(window, theme == kLight ? QStringLiteral("task-history.png")
                                     : QStringLiteral("task-history-dark.png"));
    }
}

TEST_CASE("Screenshots: the activity feed beside the editor, Sam's changes on top",
          "[ui][screenshots]")
{
    test::ScreenshotSandbox sandbox;
    DemoBrokerage demo;
    DemoDesktop alex(demo, kAlex);
    DemoDesktop sam(demo, kSam);
    DemoDesktop priya(demo, QStringLiteral("priya@harbor.demo"));
    MainWindow* window = alex.window.get();
    window->findChild<ToastStack*>()->setToastsEnabled(false); // this picture is the feed's
    // A morning's work on the team: the feed lists what happened since Alex signed in.
    auto change = [](DemoDesktop& who, const QString& module, int row, const QJsonObject& fields) {
        RecordTableModel* table = who.table(module);
        REQUIRE(waitUntil([&] { return table->rowCount() > row; }));
        REQUIRE(table->updateRecord(row, fields));
        REQUIRE(waitUntil([&] { return who.session.store().outbox().count() == 0; }));
    };
    change(priya, QStringLiteral("tasks"), 0,
           {{QStringLiteral("priority"), QStringLiteral("urgent")}});
    change(sam, QStringLiteral("listings"), 2,
           {{QStringLiteral("status"), QStringLiteral("pending")}});
    change(alex, QStringLiteral("leads"), 0,
           {{QStringLiteral("status"), QStringLiteral("contacted")}});
    change(priya, QStringLiteral("escrows"), 3,
           {{QStringLiteral("escrowCompany"), QStringLiteral("Pioneer Escrow Services")}});
    samChangesAlexsEscrows(demo, sam);
    ActivityPanel* panel = window->activity();
    REQUIRE(panel);
    QListView* view = panel->view();
    const bool samOnTop = waitUntil([&] {
        return view->model()->rowCount() >= 4 &&
               view->model()->index(0, 0).data(ActivityModel::UserNameRole) ==
                   QStringLiteral("Sam Okafor");
    });
    INFO("rows "
         << view->model()->rowCount() << ", newest by "
         << view->model()->index(0, 0).data(ActivityModel::UserNameRole).toString().toStdString()
         << ": "
         << view->model()->index(0, 0).data(ActivityModel::SummaryRole).toString().toStdString());
    REQUIRE(samOnTop);
    alex.window->openRecord(QStringLiteral("escrows"), demo.ownEscrows(kAlex).at(1).id);
    auto* dock = qobject_cast<QDockWidget*>(panel->parentWidget());
    REQUIRE(dock);
    dock->show();
    for (const QString& theme : {kLight, kDark}) {
        test::useTheme(theme);
        test::useWidth(window, Width::Full);
        window->resizeDocks({dock}, {520}, Qt::Horizontal);
        test::spin(100ms);
        keep(window, theme == kLight ? QStringLiteral("activity-feed.png")
                                     : QStringLiteral("activity-feed-dark.png"));
    }
}
