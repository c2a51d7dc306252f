// SyncStatus: the words and levels the badge shows, driven by a real connection.
#include "models/syncstatus.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/linkcore.h"
#include "support/testsocketioserver.h"

#include <catch2/catch.hpp>
#include <QSignalSpy>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

ConnectionConfig configFor(const QUrl& url)
{
    // Retries far enough apart that the "Reconnecting" state can be looked at.
    auto config = test::fastConnectionConfig(url);
    config.backoffBase = 3s;
    config.backoffCap = 3s;
    config.backoffSeed = 11;
    return config;
}

} // namespace

TEST_CASE("SyncStatus follows the connection in words a user reads", "[syncstatus]")
{
    test::TestSocketIoServer server;
    REQUIRE(server.listen());
    QString token = QStringLiteral("good-token");
    auto core = test::linkCore(configFor(server.url()), [&] { return token; });
    SyncStatus status(*core);
    QSignalSpy changed(&status, &SyncStatus::changed);

    CHECK(status.level() == SyncStatus::Level::Offline);
    CHECK(status.label() == QStringLiteral("Offline"));
    CHECK(status.canReconnectNow());

    core->start();
    REQUIRE(waitUntil([&] { return status.level() == SyncStatus::Level::Live; }));
    CHECK(status.label() == QStringLiteral("Live"));
    CHECK(status.latencyMs() >= 0);
    CHECK_FALSE(status.canReconnectNow());

    server.lastSession()->abort();
    REQUIRE(waitUntil([&] { return status.level() == SyncStatus::Level::Trouble; }));
    CHECK(status.label().startsWith(QStringLiteral("Reconnecting")));
    CHECK(status.detail().contains(QStringLiteral("attempt 1")));
    CHECK(status.secondsUntilRetry() >= 0);
    CHECK(status.canReconnectNow());

    SECTION("reconnect now, from the badge's action")
    {
        status.reconnectNow();
        REQUIRE(waitUntil([&] { return status.level() == SyncStatus::Level::Live; }, 2s));
    }
    SECTION("refused credentials read as an expired session")
    {
        token = QStringLiteral("revoked");
        status.reconnectNow();
        REQUIRE(waitUntil([&] { return status.level() == SyncStatus::Level::ActionNeeded; }));
        CHECK(status.label() == QStringLiteral("Session expired"));
        CHECK(status.detail().contains(QStringLiteral("invalid token")));
    }
    CHECK(changed.count() >= 3);
}
