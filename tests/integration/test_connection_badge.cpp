// The connection badge widget, offscreen, bound to a SyncStatus over a real connection.
#include "models/syncstatus.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/linkcore.h"
#include "support/testsocketioserver.h"
#include "ui/connectionbadge.h"
#include "ui/connectionlog.h"
#include "ui/mainwindow.h"

#include <catch2/catch.hpp>
#include <QAction>
#include <QListWidget>
#include <QMenu>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

TEST_CASE("The badge shows Live, then the countdown, and Reconnect now works", "[ui][badge]")
{
    test::TestSocketIoServer server;
    REQUIRE(server.listen());
    auto config = test::fastConnectionConfig(server.url());
    config.backoffBase = 20s;
    config.backoffCap = 20s;
    config.backoffSeed = 5;
    auto core = test::linkCore(config, [] { return QStringLiteral("good-token"); });
    SyncStatus status(*core);
    Workspace workspace;
    workspace.status = &status;
    workspace.serverLabel = server.url().authority();
    MainWindow window(workspace);
    window.show();
    auto* badge = window.findChild<ConnectionBadge*>();
    REQUIRE(badge);
    CHECK(badge->accessibleName() == QStringLiteral("Connection status"));
    CHECK(badge->text() == QStringLiteral("Offline"));

    core->start();
    REQUIRE(waitUntil([&] { return badge->text() == QStringLiteral("Live"); }));
    CHECK(badge->toolTip().contains(QStringLiteral("round trip")));
    QAction* reconnect = nullptr;
    for (auto* action : badge->menu()->actions()) {
        if (action->text() == QStringLiteral("Reconnect now"))
            reconnect = action;
    }
    REQUIRE(reconnect);
    CHECK_FALSE(reconnect->isEnabled());

    server.lastSession()->abort();
    REQUIRE(waitUntil([&] { return badge->text().startsWith(QStringLiteral("Reconnecting in")); }));
    CHECK(reconnect->isEnabled());
    CHECK_FALSE(badge->icon().isNull());

    reconnect->trigger();
    REQUIRE(waitUntil([&] { return badge->text() == QStringLiteral("Live"); }, 3s));

    auto* log = window.findChild<ConnectionLog*>();
    REQUIRE(log);
    CHECK(log->count() >= 4); // offline, connecting..., live, reconnecting, ..., live
    CHECK_FALSE(window.grab().isNull());
}
