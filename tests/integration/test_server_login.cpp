// Sign-in as an operator needs it: passwords checked off the event loop, one hash whether or not
// the account exists, guessing slowed per account and per address (429 + Retry-After).
#include "server/auth/loginthrottle.h"
#include "server/auth/passwordverifier.h"
#include "server/crmserver.h"
#include "server/storage/userdirectory.h"
#include "support/eventloop.h"
#include "support/listeningserver.h"
#include "support/restcall.h"

#include <catch2/catch.hpp>
#include <QTemporaryDir>
#include <QTimer>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

struct LoginServer
{
    LoginServer()
    {
        QString error;
        const QString brokerage = server.users().addBrokerage(QStringLiteral("Harbor"));
        REQUIRE(server.users().addUser(
            brokerage, server.users().addTeam(brokerage, QStringLiteral("North")),
            QStringLiteral("ana@harbor.test"), QStringLiteral("Ana"), Identity::Role::Agent,
            QStringLiteral("the right password"), &error));
    }
    RestReply login(const QString& email, const QString& password)
    {
        return test::restCall(
            url, {}, "POST", QStringLiteral("/api/login"),
            {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    }

    test::ListeningServer running;
    CrmServer& server = running.server;
    QUrl url = running.url;
};

} // namespace

TEST_CASE("Login: a right password signs in, a wrong one or an unknown account does not, each "
          "for exactly one password hash",
          "[server][login]")
{
    LoginServer s;
    const qint64 before = s.server.passwords().checks();
    auto ok = s.login(QStringLiteral("ana@harbor.test"), QStringLiteral("the right password"));
    CHECK(ok.httpStatus == 200);
    CHECK(ok.body.toObject().contains(QStringLiteral("accessToken")));
    auto wrong = s.login(QStringLiteral("ana@harbor.test"), QStringLiteral("a wrong password"));
    CHECK(wrong.httpStatus == 401);
    auto unknown = s.login(QStringLiteral("nobody@harbor.test"), QStringLiteral("anything"));
    CHECK(unknown.httpStatus == 401);
    // The same answer and the same work for an account that does not exist: one hash each.
    CHECK(unknown.body == wrong.body);
    CHECK(s.server.passwords().checks() - before == 3);
}

TEST_CASE("Login: the event loop goes on while passwords are checked", "[server][login]")
{
    LoginServer s;
    // Six sign-ins at once (about 50 ms of argon2 each); a 1 ms timer on the server's event
    // loop keeps firing while they run, which it could not if the hashing ran on it.
    int answered = 0;
    std::vector<std::unique_ptr<RestClient>> clients;
    for (int i = 0; i < 6; ++i) {
        auto& rest = clients.emplace_back(std::make_unique<RestClient>());
        rest->setBaseUrl(s.url);
        rest->post(QStringLiteral("/api/login"),
                   QJsonObject{{QStringLiteral("email"), QStringLiteral("ana@harbor.test")},
                               {QStringLiteral("password"), QStringLiteral("the right password")}},
                   [&](const RestReply& reply) { answered += reply.httpStatus == 200; });
    }
    int ticksWhileHashing = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        if (s.server.passwords().backlog() > 0)
            ++ticksWhileHashing;
    });
    tick.start(1);
    REQUIRE(waitUntil([&] { return answered == 6; }, 60s));
    CHECK(ticksWhileHashing > 0);
}

TEST_CASE("Login: guessing one account is slowed with 429 and Retry-After, even with the right "
          "password, until the wait passes",
          "[server][login]")
{
    LoginServer s;
    for (int i = 0; i < 5; ++i)
        CHECK(s.login(QStringLiteral("ana@harbor.test"), QStringLiteral("guess %1").arg(i))
                  .httpStatus == 401);
    CHECK(s.login(QStringLiteral("ANA@harbor.test"), QStringLiteral("guess 6")).httpStatus == 401);
    const auto blocked =
        s.login(QStringLiteral("ana@harbor.test"), QStringLiteral("the right password"));
    CHECK(blocked.httpStatus == 429);
    CHECK(blocked.error.code == QStringLiteral("too_many_attempts"));
    // Another account from the same address is not blocked by Ana's count.
    CHECK(s.login(QStringLiteral("sam@harbor.test"), QStringLiteral("x")).httpStatus == 401);
}

TEST_CASE("Login throttle: waits double from the first after the free failures, a success "
          "clears the account, addresses count apart",
          "[server][login]")
{
    LoginThrottle::Policy policy;
    policy.freeFailuresPerAccount = 2;
    policy.freeFailuresPerAddress = 4;
    policy.firstWait = 30s;
    policy.longestWait = 100s;
    LoginThrottle throttle(policy);
    const QString ana = QStringLiteral("ana@harbor.test");
    const QString here = QStringLiteral("10.0.0.1");
    throttle.failed(ana, here);
    throttle.failed(ana, here);
    CHECK_FALSE(throttle.wait(ana, here));
    throttle.failed(ana, here);
    REQUIRE(throttle.wait(ana, here));
    CHECK(*throttle.wait(ana, here) == 30s);
    throttle.failed(ana, here);
    CHECK(*throttle.wait(ana, here) == 60s);
    throttle.failed(ana, here);
    CHECK(*throttle.wait(ana, here) == 100s); // the ceiling, not 120 s
    // The address has had 5 failures (over its 4 free ones): another account from it waits.
    CHECK(throttle.wait(QStringLiteral("sam@harbor.test"), here));
    CHECK_FALSE(throttle.wait(QStringLiteral("sam@harbor.test"), QStringLiteral("10.0.0.2")));
    throttle.succeeded(ana);
    CHECK_FALSE(throttle.wait(ana, QStringLiteral("10.0.0.2")));
}

TEST_CASE("Login throttle: a flood of made-up accounts stays bounded", "[server][login]")
{
    LoginThrottle::Policy policy;
    policy.maxTracked = 100;
    policy.freeFailuresPerAccount = 0;
    LoginThrottle throttle(policy);
    for (int i = 0; i < 10000; ++i)
        throttle.failed(QStringLiteral("user%1@x.test").arg(i),
                        QStringLiteral("10.0.%1.%2").arg(i / 250).arg(i % 250));
    // The newest is still counted (blocked at once with no free failure); memory is bounded by
    // construction (maxTracked entries per table), which this loop would otherwise exceed 100x.
    CHECK(throttle.wait(QStringLiteral("user9999@x.test"), QStringLiteral("10.0.99.99")));
}
