// examples/agent/escrow-agent.js (stock npm socket.io-client) against an in-process crm-server:
// its task is visible to the team while it runs, its edits are attributed "<user> (AI)" and it
// leaves a summary in the escrow's notes (stock yjs), a
// person's cancel stops it between steps, and a bad key or sentence ends with a clear error.
#include "support/restcall.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QFileInfo>
#include <QProcess>

using namespace crm;
using test::Agent;
using test::newId;
using test::restCall;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

namespace {

const QString kScript = QStringLiteral(CRM_EXAMPLES_DIR "/agent/escrow-agent.js");

void requireNode()
{
    INFO("node and examples/agent/node_modules come from scripts/install-deps.sh");
    REQUIRE(QFileInfo::exists(QStringLiteral(CRM_NODE_EXECUTABLE)));
    REQUIRE(QFileInfo::exists(
        QStringLiteral(CRM_EXAMPLES_DIR "/agent/node_modules/socket.io-client/package.json")));
}

// The agent as a child process; the event loop keeps serving while it runs.
struct AgentProcess
{
    AgentProcess(const QUrl& server, const QString& key, const QString& sentence, int stepDelayMs)
    {
        process.start(QStringLiteral(CRM_NODE_EXECUTABLE),
                      {kScript, QStringLiteral("--server"), server.toString(),
                       QStringLiteral("--key"), key, QStringLiteral("--step-delay"),
                       QString::number(stepDelayMs), sentence});
        REQUIRE(process.waitForStarted());
    }
    int finish()
    {
        REQUIRE(waitUntil([&] { return process.state() == QProcess::NotRunning; }, 60s));
        stderrText = QString::fromUtf8(process.readAllStandardError());
        return process.exitCode();
    }
    QProcess process;
    QString stderrText;
};

// An agent key for Ana's "Escrow bot".
QString botKey(Server& s)
{
    return s.server.tokens().createAgentKey(s.ana.userId, QStringLiteral("Escrow bot"));
}

const QString kSentence = QStringLiteral(
    "Open escrow ESC-2031 for 12 Harbor Way at $850,000, buyer Jo Park <jo@example.com>, "
    "seller Sam Lee <sam@example.com>");

} // namespace

TEST_CASE("The example agent opens an escrow, its listing and clients from one sentence, "
          "reporting each step, the team sees it live and attributed",
          "[interop][agent]")
{
    requireNode();
    Server s;
    Agent ben(s, s.ben, newId());
    ben.connect();
    const QString key = botKey(s);
    AgentProcess agent(s.url(), key, kSentence, 50);
    const int code = agent.finish();
    INFO(agent.stderrText.toStdString());
    REQUIRE(code == 0);

    // Ben (same team) heard the shared task start, progress and complete, and every record.
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("ai:task:completed")); }));
    CHECK(ben.has(QStringLiteral("ai:task:started")));
    const QJsonObject task = ben.last(QStringLiteral("ai:task:completed"));
    CHECK(task.value(QStringLiteral("title")) == QStringLiteral("Open escrow ESC-2031"));
    CHECK(task.value(QStringLiteral("agent")) == QStringLiteral("Escrow bot"));
    CHECK(task.value(QStringLiteral("progress")).toInt() == 100);
    // Sharing shares progress, not data: Ben's copy has no ids; Ana's (the owner's) has them.
    CHECK(task.value(QStringLiteral("restricted")) == true);
    CHECK_FALSE(
        task.value(QStringLiteral("result")).toObject().contains(QStringLiteral("escrowId")));
    const QJsonObject result =
        restCall(s.url(), s.token(s.ana), "GET",
                 QStringLiteral("/api/tasks/%1").arg(task.value(QStringLiteral("id")).toString()))
            .body.toObject()
            .value(QStringLiteral("result"))
            .toObject();
    REQUIRE(result.value(QStringLiteral("escrowId")).isString());
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("escrow:created")); }));
    const QJsonObject escrow = ben.last(QStringLiteral("escrow:created"));
    CHECK(escrow.value(QStringLiteral("id")) == result.value(QStringLiteral("escrowId")));
    CHECK(escrow.value(QStringLiteral("by")).toObject().value(QStringLiteral("name")) ==
          QStringLiteral("ana (AI)"));
    const QJsonObject fields = escrow.value(QStringLiteral("fields")).toObject();
    CHECK(fields.value(QStringLiteral("purchasePrice")).toDouble() == 850000);
    CHECK(fields.value(QStringLiteral("listingId")) == result.value(QStringLiteral("listingId")));
    CHECK(ben.count(QStringLiteral("client:created")) == 2);
    CHECK(ben.has(QStringLiteral("listing:created")));
    // Its summary is in the escrow's notes, written with the stock yjs.
    const QString notes = restCall(s.url(), s.token(s.ana), "GET",
                                   QStringLiteral("/api/notes/escrows/%1")
                                       .arg(result.value(QStringLiteral("escrowId")).toString()))
                              .body.toObject()
                              .value(QStringLiteral("text"))
                              .toString();
    CHECK(
        notes.startsWith(QStringLiteral("Opened by Escrow bot for ana: 12 Harbor Way, $850,000")));
}

TEST_CASE("A person cancels the example agent's task: it stops between steps and says how far "
          "it got",
          "[interop][agent]")
{
    requireNode();
    Server s;
    Agent ana(s, s.ana, newId());
    ana.connect();
    const QString key = botKey(s);
    AgentProcess agent(s.url(), key, kSentence, 1500);
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("client:created")); }, 30s));
    const QString id =
        ana.last(QStringLiteral("ai:task:started")).value(QStringLiteral("id")).toString();
    REQUIRE(
        restCall(s.url(), s.token(s.ana), "POST", QStringLiteral("/api/tasks/%1/cancel").arg(id))
            .ok());
    const int code = agent.finish();
    INFO("the agent said: " << agent.stderrText.toStdString()); // why, should it not stop cleanly
    CHECK(code == 3);
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("ai:task:cancelled")); }));
    const QJsonObject task = ana.last(QStringLiteral("ai:task:cancelled"));
    CHECK(
        task.value(QStringLiteral("step")).toString().startsWith(QStringLiteral("Stopped after")));
    // What it did before the cancel is there and consistent; nothing after it.
    CHECK(
        task.value(QStringLiteral("result")).toObject().contains(QStringLiteral("buyerClientId")));
    CHECK_FALSE(ana.has(QStringLiteral("escrow:created")));
}

TEST_CASE("The example agent with a revoked key or an unreadable sentence fails clearly",
          "[interop][agent]")
{
    requireNode();
    Server s;
    const QString key = botKey(s);
    {
        AgentProcess agent(s.url(), key, QStringLiteral("Make me rich"), 10);
        CHECK(agent.finish() == 1);
        const auto tasks = restCall(s.url(), s.token(s.ana), "GET", QStringLiteral("/api/tasks"))
                               .body.toObject()
                               .value(QStringLiteral("tasks"))
                               .toArray();
        REQUIRE(tasks.size() == 1);
        CHECK(tasks.first().toObject().value(QStringLiteral("status")) == QStringLiteral("failed"));
        CHECK(tasks.first()
                  .toObject()
                  .value(QStringLiteral("error"))
                  .toString()
                  .contains(QStringLiteral("could not read the sentence")));
    }
    REQUIRE(s.server.tokens().revokeAgentKey(key));
    AgentProcess refused(s.url(), key, kSentence, 10);
    CHECK(refused.finish() == 2);
    CHECK(refused.stderrText.contains(QStringLiteral("refused the agent key")));
}
