// External AI agents on a real in-process crm-server: agent keys, reported steps, edits
// attributed to the agent, cancel requests reaching the agent's socket, and agents that die or
// go silent.
#include "server/storage/changelog.h"
#include "server/storage/recordstore.h"
#include "server/tasks/taskrunner.h"
#include "support/restcall.h"
#include "support/taskfixture.h"

#include <catch2/catch.hpp>

using namespace crm;
using test::Agent;
using test::idOf;
using test::newId;
using test::restCall;
using test::Server;
using test::startImport;
using test::TaskWatcher;
using test::waitCompleted;
using test::waitUntil;
using namespace std::chrono_literals;

TEST_CASE("An external AI agent: agent key, reported steps, attributed edits, cancel reaches "
          "its socket",
          "[server][tasks][agent]")
{
    Server s;
    const QString key =
        s.server.tokens().createAgentKey(s.ana.userId, QStringLiteral("Escrow bot"));
    REQUIRE(key.startsWith(QStringLiteral("crmagent_")));
    const auto session = restCall(s.url(), {}, "POST", QStringLiteral("/api/agent/session"),
                                  {{QStringLiteral("key"), key}});
    REQUIRE(session.ok());
    CHECK(session.body.toObject()
              .value(QStringLiteral("user"))
              .toObject()
              .value(QStringLiteral("agent")) == QStringLiteral("Escrow bot"));
    CHECK(restCall(s.url(), {}, "POST", QStringLiteral("/api/agent/session"),
                   {{QStringLiteral("key"), QStringLiteral("crmagent_guess")}})
              .httpStatus == 401);

    Agent bot(s, s.ana, newId());
    bot.token = session.body.toObject().value(QStringLiteral("accessToken")).toString();
    bot.connect();
    Agent ben(s, s.ben, newId());
    ben.connect();
    TaskWatcher benHears(ben.manager);
    Agent ana(s, s.ana, newId());
    ana.connect();
    TaskWatcher anaHears(ana.manager);
    // The bot works for Ana but is not Ana at a desk: when Ben came, nobody else was present.
    CHECK(ben.last(QStringLiteral("presence:snapshot"))
              .value(QStringLiteral("users"))
              .toArray()
              .size() == 1);

    auto ask = [&](Agent& who, const QString& event, const QJsonObject& payload) {
        std::optional<AckOutcome> outcome;
        who.manager.emitWithAck(event, {payload}, [&](const AckOutcome& o) { outcome = o; });
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
        REQUIRE(outcome->ok());
        return outcome->args.first().toObject();
    };
    const auto started = ask(bot, QStringLiteral("task:start"),
                             {{QStringLiteral("kind"), QStringLiteral("agent")},
                              {QStringLiteral("title"), QStringLiteral("Open escrow from email")},
                              {QStringLiteral("shared"), true}});
    REQUIRE(started.value(QStringLiteral("status")) == QStringLiteral("ok"));
    const QString id = idOf(started.value(QStringLiteral("task")).toObject());
    CHECK(started.value(QStringLiteral("task")).toObject().value(QStringLiteral("agent")) ==
          QStringLiteral("Escrow bot"));

    auto report = [&](const QJsonObject& fields) {
        QJsonObject payload = fields;
        payload.insert(QStringLiteral("id"), id);
        return ask(bot, QStringLiteral("task:report"), payload);
    };
    CHECK(report({{QStringLiteral("step"), QStringLiteral("Creating the escrow")},
                  {QStringLiteral("stepsDone"), 1},
                  {QStringLiteral("stepsTotal"), 3}})
              .value(QStringLiteral("status")) == QStringLiteral("ok"));
    const QString escrow = newId();
    bot.create(escrow, {{QStringLiteral("number"), QStringLiteral("ESC-AI-1")}});
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("escrow:created")); }));
    const auto by =
        ben.last(QStringLiteral("escrow:created")).value(QStringLiteral("by")).toObject();
    CHECK(by.value(QStringLiteral("name")) == QStringLiteral("ana (AI)"));
    CHECK(by.value(QStringLiteral("agent")) == QStringLiteral("Escrow bot"));
    CHECK(by.value(QStringLiteral("id")) == s.ana.userId);
    // Replay (and the activity feed built on it) keeps the attribution.
    CHECK(s.server.changeLog().since(s.ana.brokerageId, 0, 10).last().userName ==
          QStringLiteral("ana (AI)"));
    // A built-in job the agent starts acts for Ana as that agent too: its rows say "(AI)".
    Identity botIdentity = s.ana;
    botIdentity.agentName = QStringLiteral("Escrow bot");
    const QString import =
        idOf(startImport(s, botIdentity, QStringLiteral("Name,Email\nJo Park,jo@example.com\n")));
    waitCompleted(s, s.ana, import);
    const auto imported = s.server.changeLog().since(s.ana.brokerageId, 0, 10).last();
    CHECK(imported.module == QStringLiteral("leads"));
    CHECK(imported.userName == QStringLiteral("ana (AI)"));

    // Progress never goes back; bad reports are refused with a reason.
    report({{QStringLiteral("progress"), 60}});
    CHECK(report({{QStringLiteral("progress"), 20}})
              .value(QStringLiteral("task"))
              .toObject()
              .value(QStringLiteral("progress"))
              .toInt() == 60);
    CHECK(report({{QStringLiteral("progress"), QStringLiteral("lots")}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("bad_request"));
    CHECK(report({{QStringLiteral("status"), QStringLiteral("running")}})
              .value(QStringLiteral("status")) == QStringLiteral("rejected"));
    // Ben (team, shared) sees it but cannot report on it.
    CHECK(ask(ben, QStringLiteral("task:report"),
              {{QStringLiteral("id"), id}, {QStringLiteral("progress"), 99}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("forbidden"));
    REQUIRE(waitUntil([&] { return !benHears.of(id).isEmpty(); }));

    // Ana cancels from her desktop; only the bot's socket is asked to stop, and it confirms.
    CHECK(ask(ana, QStringLiteral("task:cancel"), {{QStringLiteral("id"), id}})
              .value(QStringLiteral("task"))
              .toObject()
              .value(QStringLiteral("cancelRequested")) == true);
    REQUIRE(waitUntil([&] { return bot.has(QStringLiteral("ai:task:cancel")); }));
    CHECK_FALSE(ana.has(QStringLiteral("ai:task:cancel")));
    report({{QStringLiteral("status"), QStringLiteral("cancelled")},
            {QStringLiteral("step"), QStringLiteral("Stopped after the escrow")}});
    REQUIRE(waitUntil([&] { return anaHears.status(id) == QStringLiteral("cancelled"); }));
    CHECK(report({{QStringLiteral("progress"), 100}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("not_running"));
    CHECK(ask(ana, QStringLiteral("task:retry"), {{QStringLiteral("id"), id}})
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("not_retryable"));

    // A revoked key buys no new session.
    REQUIRE(s.server.tokens().revokeAgentKey(key));
    CHECK(restCall(s.url(), {}, "POST", QStringLiteral("/api/agent/session"),
                   {{QStringLiteral("key"), key}})
              .httpStatus == 401);
}

TEST_CASE("An agent that dies after a cancel request, or goes silent, does not leave its task "
          "running",
          "[server][tasks][agent]")
{
    TaskRunner::Options options;
    options.agentCancelGrace = 300ms;
    options.agentSilence = 1500ms;
    Server s(900s, {}, QStringLiteral("sqlite"), options);
    Agent ana(s, s.ana, newId());
    ana.connect();
    TaskWatcher watcher(ana.manager);
    auto start = [&] {
        std::optional<AckOutcome> outcome;
        ana.manager.emitWithAck(QStringLiteral("task:start"),
                                {QJsonObject{{QStringLiteral("kind"), QStringLiteral("agent")}}},
                                [&](const AckOutcome& o) { outcome = o; });
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
        return idOf(outcome->args.first().toObject().value(QStringLiteral("task")).toObject());
    };
    const QString cancelled = start();
    const QString silent = start();
    REQUIRE(restCall(s.url(), s.token(s.ana), "POST",
                     QStringLiteral("/api/tasks/%1/cancel").arg(cancelled))
                .ok());
    REQUIRE(waitUntil([&] { return watcher.status(cancelled) == QStringLiteral("cancelled"); }));
    CHECK(watcher.of(cancelled).last().value(QStringLiteral("step")) ==
          QStringLiteral("Cancelled; the agent did not confirm"));
    REQUIRE(waitUntil([&] { return watcher.status(silent) == QStringLiteral("failed"); }));
    CHECK(watcher.of(silent).last().value(QStringLiteral("error")) ==
          QStringLiteral("The agent stopped reporting"));
}
