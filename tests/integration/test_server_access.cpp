// Losing access takes effect at once (docs/protocol.md 3 and 6): disabling a user, also from
// `crm-server user disable` run as another process against the same database, cuts every one
// of their sockets with auth:revoked, drops them from presence and refuses their tokens; a
// mutate that arrives after the disable is never applied; signing out ends that session's
// sockets and access token, and only that session's; a team or role change made from the CLI
// reaches the running server too.
#include "server/storage/recordstore.h"
#include "server/tasks/taskstore.h"
#include "support/leadcsv.h"
#include "support/restcall.h"
#include "support/serverfixture.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <QProcess>

using namespace crm;
using test::Agent;
using test::newId;
using test::restCall;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

namespace {

const QString kPassword = QStringLiteral("long enough password");

// One client connection to a server process, by URL and token: the fixture's Agent with a
// fresh client id, and what these tests ask of it.
struct Peer : test::Agent
{
    Peer(const QUrl& url, const QString& accessToken) : Agent(url, accessToken, newId()) {}

    // The last presence this peer heard about `userId`: an update, or the snapshot at connect.
    QString presenceOf(const QString& userId) const
    {
        for (auto it = events.rbegin(); it != events.rend(); ++it) {
            if (it->first == QStringLiteral("presence:update") &&
                it->second.value(QStringLiteral("userId")) == userId)
                return it->second.value(QStringLiteral("status")).toString();
            if (it->first != QStringLiteral("presence:snapshot"))
                continue;
            for (const auto& user : it->second.value(QStringLiteral("users")).toArray()) {
                if (user.toObject().value(QStringLiteral("userId")) == userId)
                    return user.toObject().value(QStringLiteral("status")).toString();
            }
            return QStringLiteral("offline");
        }
        return {};
    }
    // Whether the server still answers this socket (an echo round trip).
    bool answers()
    {
        std::optional<AckOutcome> outcome;
        manager.emitWithAck(QStringLiteral("echo"), {QJsonObject{}},
                            [&](const AckOutcome& o) { outcome = o; });
        return waitUntil([&] { return outcome.has_value(); }) && outcome->ok();
    }
    // Cut by the server with auth:revoked, and not trying again.
    bool revoked() const
    {
        return has(QStringLiteral("auth:revoked")) &&
               manager.state() == ConnectionState::AuthRequired && manager.msUntilReconnect() < 0;
    }
};

struct Session
{
    QString access;
    QString refresh;
};

Session login(const QUrl& url, const QString& email)
{
    const auto reply =
        restCall(url, {}, "POST", QStringLiteral("/api/login"),
                 {{QStringLiteral("email"), email}, {QStringLiteral("password"), kPassword}});
    REQUIRE(reply.ok());
    const QJsonObject body = reply.body.toObject();
    return {body.value(QStringLiteral("accessToken")).toString(),
            body.value(QStringLiteral("refreshToken")).toString()};
}

// `crm-server --data DIR ARGS` as a process of its own next to the running server; what it said
// on stderr is reported when it fails.
void admin(const QString& dataDir, const QStringList& args, const QByteArray& input = {})
{
    QProcess command;
    command.start(QStringLiteral(CRM_SERVER_PATH),
                  QStringList{QStringLiteral("--data"), dataDir} + args);
    command.write(input);
    command.closeWriteChannel();
    REQUIRE(waitUntil([&] { return command.state() == QProcess::NotRunning; }, 60s));
    INFO(args.join(u' ').toStdString() + ": " + command.readAllStandardError().toStdString());
    REQUIRE(command.exitStatus() == QProcess::NormalExit);
    REQUIRE(command.exitCode() == 0);
}

int meStatus(const QUrl& url, const QString& token)
{
    return restCall(url, token, "GET", QStringLiteral("/api/me")).httpStatus;
}

} // namespace

TEST_CASE("crm-server user disable, run as another process, cuts the running server's sockets "
          "at once, refuses the tokens and drops presence, and user set moves a user at once",
          "[server][access][process]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    QTemporaryDir dir;
    QString why;
    const QString database = test::databaseTarget(backend, dir.path(), &why);
    if (database.isEmpty()) {
        if (test::postgresRequired())
            FAIL(why.toStdString());
        WARN(why.toStdString());
        return;
    }
    const QStringList db{QStringLiteral("--db"), database};
    test::ServerProcess server(dir.path());
    for (const auto& [email, team] :
         {std::pair{"ana@harbor.test", "North"}, std::pair{"ben@harbor.test", "North"},
          std::pair{"cleo@harbor.test", "South"}}) {
        admin(dir.path(),
              QStringList{QStringLiteral("user"), QStringLiteral("add"), QString::fromLatin1(email),
                          QStringLiteral("--team"), QString::fromLatin1(team)} +
                  db,
              kPassword.toUtf8() + '\n');
    }
    REQUIRE(server.start(db));
    const Session ana = login(server.url(), QStringLiteral("ana@harbor.test"));
    const Session ben = login(server.url(), QStringLiteral("ben@harbor.test"));
    const QString anaId = restCall(server.url(), ana.access, "GET", QStringLiteral("/api/me"))
                              .body.toObject()
                              .value(QStringLiteral("id"))
                              .toString();
    Peer anaDesk(server.url(), ana.access), anaLaptop(server.url(), ana.access),
        benDesk(server.url(), ben.access);
    for (Peer* peer : {&anaDesk, &anaLaptop, &benDesk})
        peer->connect();
    REQUIRE(waitUntil([&] { return benDesk.presenceOf(anaId) == QStringLiteral("online"); }));

    admin(dir.path(), QStringList{QStringLiteral("user"), QStringLiteral("disable"),
                                  QStringLiteral("ana@harbor.test")} +
                          db);
    // Both of Ana's sockets hear why and stop; Ben sees her go offline.
    REQUIRE(waitUntil([&] { return anaDesk.revoked() && anaLaptop.revoked(); }));
    CHECK(anaDesk.last(QStringLiteral("auth:revoked"))
              .value(QStringLiteral("message"))
              .toString()
              .contains(QStringLiteral("disabled")));
    REQUIRE(waitUntil([&] { return benDesk.presenceOf(anaId) == QStringLiteral("offline"); }));
    CHECK(benDesk.answers());
    // Her access token is refused over REST and at CONNECT; her refresh token buys nothing.
    CHECK(meStatus(server.url(), ana.access) == 401);
    Peer again(server.url(), ana.access);
    again.manager.start();
    REQUIRE(waitUntil([&] { return again.manager.state() == ConnectionState::AuthRequired; }));
    CHECK(again.refusals == QStringList{QStringLiteral("auth_invalid")});
    CHECK(restCall(server.url(), {}, "POST", QStringLiteral("/api/token/refresh"),
                   {{QStringLiteral("refreshToken"), ana.refresh}})
              .httpStatus == 401);

    // A team change from the CLI reaches the running server too: Ben's socket is told, and
    // its reconnect is scoped to South.
    const QString north = benDesk.last(QStringLiteral("sync:caught-up"))
                              .value(QStringLiteral("scope"))
                              .toObject()
                              .value(QStringLiteral("teamId"))
                              .toString();
    admin(dir.path(), QStringList{QStringLiteral("user"), QStringLiteral("set"),
                                  QStringLiteral("ben@harbor.test"), QStringLiteral("--team"),
                                  QStringLiteral("South")} +
                          db);
    REQUIRE(waitUntil([&] { return benDesk.has(QStringLiteral("auth:access-changed")); }));
    REQUIRE(waitUntil([&] { return benDesk.count(QStringLiteral("sync:caught-up")) == 2; }));
    const QString now = benDesk.last(QStringLiteral("sync:caught-up"))
                            .value(QStringLiteral("scope"))
                            .toObject()
                            .value(QStringLiteral("teamId"))
                            .toString();
    CHECK_FALSE(now.isEmpty());
    CHECK(now != north);
    CHECK(benDesk.count(QStringLiteral("auth:access-changed")) == 1);
}

TEST_CASE("A mutate that reaches the server after the user was disabled is not applied",
          "[server][access]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    // The periodic read of the access log never comes during this test: only the check the
    // mutate path makes can stop the write.
    SyncHub::Options sync;
    sync.accessPoll = std::chrono::hours(1);
    Server s(900s, sync, backend);
    if (s.skipped)
        return;
    Agent ana(s, s.ana, newId());
    ana.connect();
    // Straight into the database, as the CLI process does.
    REQUIRE(s.server.users().setDisabled(QStringLiteral("ana@harbor.test"), true));
    const QString id = newId();
    std::optional<AckOutcome> outcome;
    ana.manager.emitWithAck(
        QStringLiteral("mutate"),
        {QJsonObject{{QStringLiteral("module"), QStringLiteral("escrows")},
                     {QStringLiteral("op"), QStringLiteral("create")},
                     {QStringLiteral("id"), id},
                     {QStringLiteral("mutationId"), 1},
                     {QStringLiteral("fields"),
                      QJsonObject{{QStringLiteral("number"), QStringLiteral("ESC-LATE")}}}}},
        [&](const AckOutcome& o) { outcome = o; });
    REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    // No answer: the socket was cut first, and the client keeps the edit in its outbox.
    CHECK(outcome->status == AckOutcome::Status::Disconnected);
    CHECK_FALSE(RecordStore(s.server.database()).find(QStringLiteral("escrows"), id));
    REQUIRE(waitUntil([&] {
        return ana.has(QStringLiteral("auth:revoked")) &&
               ana.manager.state() == ConnectionState::AuthRequired;
    }));
    CHECK(restCall(s.url(), ana.token, "POST", QStringLiteral("/api/records/escrows"),
                   {{QStringLiteral("fields"),
                     QJsonObject{{QStringLiteral("number"), QStringLiteral("ESC-REST")}}}})
              .httpStatus == 401);
}

TEST_CASE("Signing out ends that session's sockets and access token at once, and only that "
          "session's",
          "[server][access]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    Server s(900s, {}, backend);
    if (s.skipped)
        return;
    const Session desk = login(s.url(), QStringLiteral("ana@harbor.test"));
    const Session laptop = login(s.url(), QStringLiteral("ana@harbor.test"));
    Peer onDesk(s.url(), desk.access), onLaptop(s.url(), laptop.access);
    onDesk.connect();
    onLaptop.connect();

    const auto out = restCall(s.url(), {}, "POST", QStringLiteral("/api/logout"),
                              {{QStringLiteral("refreshToken"), desk.refresh}});
    CHECK(out.httpStatus == 204);
    REQUIRE(waitUntil([&] { return onDesk.revoked(); }));
    CHECK(meStatus(s.url(), desk.access) == 401);
    Peer again(s.url(), desk.access);
    again.manager.start();
    REQUIRE(waitUntil([&] { return again.manager.state() == ConnectionState::AuthRequired; }));
    CHECK(again.refusals == QStringList{QStringLiteral("auth_invalid")});
    // The laptop's session goes on.
    CHECK(onLaptop.manager.state() == ConnectionState::Online);
    CHECK(onLaptop.answers());
    CHECK_FALSE(onLaptop.has(QStringLiteral("auth:revoked")));
    CHECK(meStatus(s.url(), laptop.access) == 200);
}

TEST_CASE("Reusing a rotated refresh token ends every session of that user at once",
          "[server][access]")
{
    Server s;
    const Session first = login(s.url(), QStringLiteral("ben@harbor.test"));
    const Session other = login(s.url(), QStringLiteral("ben@harbor.test"));
    const auto rotated = restCall(s.url(), {}, "POST", QStringLiteral("/api/token/refresh"),
                                  {{QStringLiteral("refreshToken"), first.refresh}});
    REQUIRE(rotated.ok());
    const QString access = rotated.body.toObject().value(QStringLiteral("accessToken")).toString();
    Peer current(s.url(), access), elsewhere(s.url(), other.access);
    current.connect();
    elsewhere.connect();
    // Someone kept the first refresh token: the server signs Ben out everywhere.
    CHECK(restCall(s.url(), {}, "POST", QStringLiteral("/api/token/refresh"),
                   {{QStringLiteral("refreshToken"), first.refresh}})
              .httpStatus == 401);
    REQUIRE(waitUntil([&] { return current.revoked() && elsewhere.revoked(); }));
    CHECK(meStatus(s.url(), access) == 401);
    CHECK(meStatus(s.url(), other.access) == 401);
}

TEST_CASE("A running import stops when its owner is disabled", "[server][access][tasks]")
{
    TaskRunner::Options tasks;
    tasks.sliceBudget = 1ms; // many small slices: the disable lands in the middle
    Server s(900s, {}, QStringLiteral("sqlite"), tasks);
    Agent ana(s, s.ana, newId());
    ana.connect();
    const auto started =
        restCall(s.url(), ana.token, "POST", QStringLiteral("/api/tasks"),
                 {{QStringLiteral("kind"), QStringLiteral("csv_import")},
                  {QStringLiteral("params"),
                   QJsonObject{{QStringLiteral("module"), QStringLiteral("leads")}}},
                  {QStringLiteral("input"), test::makeLeadCsv(5000).text}});
    REQUIRE(started.httpStatus == 201);
    const QString id = started.body.toObject().value(QStringLiteral("id")).toString();
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("ai:task:progress")); }));
    REQUIRE(s.server.users().setDisabled(QStringLiteral("ana@harbor.test"), true));
    std::optional<AgentTask> task;
    REQUIRE(waitUntil([&] {
        task = s.server.taskStore().find(id);
        return task && task->isFinal();
    }));
    CHECK(task->status == AgentTask::Status::Failed);
    CHECK(task->error.contains(QStringLiteral("disabled")));
    CHECK(task->stepsDone < 5000);
}
