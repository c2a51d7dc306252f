// Sharing a task shares its progress, not its data (docs/protocol.md 5.6, "Who sees a task"):
// the owner and the brokerage's broker admins get the whole task; a teammate or team lead of a
// shared task gets its title, status, progress and counts, and no ids, rows, groups, files or
// free-form agent results, on every path: REST get and list, downloads, task:list, ai:task:list,
// every ai:task:* event, and the answers to cancel and retry.
#include "models/tasklistmodel.h"
#include "realtime/restclient.h"
#include "support/clientprofile.h"
#include "support/nodepeer.h"
#include "support/restcall.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>
#include <QProcess>

using namespace crm;
using test::Agent;
using test::newId;
using test::restCall;
using test::Server;
using test::waitUntil;
using namespace std::chrono_literals;

namespace {

QString idOf(const QJsonObject& task)
{
    return task.value(QStringLiteral("id")).toString();
}

QString text(const QJsonValue& value)
{
    return QString::fromUtf8(value.isArray()
                                 ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

// The first of `secrets` that `haystack` mentions, or empty.
QString leaked(const QString& haystack, const QStringList& secrets)
{
    for (const auto& secret : secrets) {
        if (haystack.contains(secret))
            return secret;
    }
    return {};
}

QJsonObject ask(Agent& who, const QString& event, const QJsonObject& payload)
{
    std::optional<AckOutcome> outcome;
    who.manager.emitWithAck(event, {payload}, [&](const AckOutcome& o) { outcome = o; });
    REQUIRE(waitUntil([&] { return outcome.has_value(); }));
    REQUIRE(outcome->ok());
    return outcome->args.first().toObject();
}

QString createLead(Agent& who, const QString& name, const QString& email)
{
    const QString id = newId();
    REQUIRE(who.mutate({{QStringLiteral("module"), QStringLiteral("leads")},
                        {QStringLiteral("op"), QStringLiteral("create")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("mutationId"), ++who.mutationId},
                        {QStringLiteral("fields"), QJsonObject{{QStringLiteral("name"), name},
                                                               {QStringLiteral("email"), email}}}})
                .value(QStringLiteral("status")) == QStringLiteral("applied"));
    return id;
}

QJsonObject startTask(Server& s, const Identity& who, const QString& kind,
                      const QJsonObject& params, const QString& input = {})
{
    const auto reply = restCall(s.url(), s.token(who), "POST", QStringLiteral("/api/tasks"),
                                {{QStringLiteral("kind"), kind},
                                 {QStringLiteral("params"), params},
                                 {QStringLiteral("input"), input},
                                 {QStringLiteral("shared"), true}});
    INFO(reply.error.describe().toStdString());
    REQUIRE(reply.httpStatus == 201);
    return reply.body.toObject();
}

QJsonObject waitFinal(Server& s, const Identity& owner, const QString& id)
{
    QJsonObject task;
    REQUIRE(waitUntil([&] {
        task = restCall(s.url(), s.token(owner), "GET", QStringLiteral("/api/tasks/%1").arg(id))
                   .body.toObject();
        return task.value(QStringLiteral("status")) == QStringLiteral("completed");
    }));
    return task;
}

// What a reader who is neither the owner nor a broker admin may get: the task's progress and
// its plain numbers, nothing that names a record, a row, a group or a file.
void checkSummaryOnly(const QJsonObject& task)
{
    INFO(text(task).toStdString());
    CHECK(task.value(QStringLiteral("restricted")) == true);
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    for (auto it = result.begin(); it != result.end(); ++it)
        CHECK(it.value().isDouble());
    const QJsonObject params = task.value(QStringLiteral("params")).toObject();
    for (auto it = params.begin(); it != params.end(); ++it) {
        const QStringList allowed{QStringLiteral("module"), QStringLiteral("search"),
                                  QStringLiteral("filter"), QStringLiteral("merge")};
        CHECK(allowed.contains(it.key()));
    }
}

struct Records
{
    QStringList leadIds;   // both teams' duplicate leads
    QStringList southOnly; // what nobody in North but a broker admin may ever read
};

// Two duplicate leads in each team, and an escrow with a commission in each.
Records seed(Server& s)
{
    Agent ana(s, s.ana, newId());
    Agent cleo(s, s.cleo, newId());
    ana.connect();
    cleo.connect();
    Records r;
    r.leadIds << createLead(ana, QStringLiteral("Mia Wong"), QStringLiteral("mia@example.test"))
              << createLead(ana, QStringLiteral("M. Wong"), QStringLiteral("MIA@example.test"));
    r.southOnly << createLead(cleo, QStringLiteral("Zed Oak"), QStringLiteral("zed@example.test"))
                << createLead(cleo, QStringLiteral("Z. Oak"), QStringLiteral("ZED@example.test"));
    r.leadIds << r.southOnly;
    const QString south = newId();
    REQUIRE(cleo.create(south, {{QStringLiteral("number"), QStringLiteral("ESC-SOUTH")},
                                {QStringLiteral("status"), QStringLiteral("open")},
                                {QStringLiteral("myCommission"), 98765.5}})
                .value(QStringLiteral("status")) == QStringLiteral("applied"));
    REQUIRE(ana.create(newId(), {{QStringLiteral("number"), QStringLiteral("ESC-NORTH")},
                                 {QStringLiteral("status"), QStringLiteral("open")},
                                 {QStringLiteral("myCommission"), 4321.25}})
                .value(QStringLiteral("status")) == QStringLiteral("applied"));
    r.southOnly << south << QStringLiteral("98765.5") << QStringLiteral("ESC-SOUTH");
    return r;
}

} // namespace

TEST_CASE("A shared task shows a teammate its progress, never its data: REST, task:list, "
          "ai:task:list and downloads",
          "[server][tasks][sharing]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    Server s(900s, {}, backend);
    if (s.skipped)
        return;
    const Identity lee = s.add(s.ana.brokerageId, s.north, QStringLiteral("lee@harbor.test"),
                               Identity::Role::TeamLead);
    const Records records = seed(s);
    const QStringList secrets = records.leadIds + records.southOnly;

    // A broker admin's exports and de-duplications reach every team; an agent's export holds
    // his own commission.
    const QString adminExport =
        idOf(startTask(s, s.dee, QStringLiteral("csv_export"),
                       {{QStringLiteral("module"), QStringLiteral("escrows")},
                        {QStringLiteral("filter"),
                         QJsonObject{{QStringLiteral("status"), QStringLiteral("open")}}}}));
    const QString dedupe = idOf(
        startTask(s, s.dee, QStringLiteral("lead_dedupe"), {{QStringLiteral("merge"), false}}));
    const QString anaExport =
        idOf(startTask(s, s.ana, QStringLiteral("csv_export"),
                       {{QStringLiteral("module"), QStringLiteral("escrows")}}));
    waitFinal(s, s.dee, adminExport);
    const QJsonObject full = waitFinal(s, s.dee, dedupe);
    waitFinal(s, s.ana, anaExport);

    // The owner gets everything: the groups name the South leads, the files hold commissions.
    CHECK(text(full).contains(records.southOnly.first()));
    CHECK(full.value(QStringLiteral("restricted")) == false);
    const auto adminFile = restCall(s.url(), s.token(s.dee), "GET",
                                    QStringLiteral("/api/tasks/%1/output").arg(adminExport));
    REQUIRE(adminFile.ok());
    CHECK(adminFile.text.contains(QStringLiteral("98765.5")));
    const auto anaFile = restCall(s.url(), s.token(s.ana), "GET",
                                  QStringLiteral("/api/tasks/%1/output").arg(anaExport));
    REQUIRE(anaFile.ok());
    CHECK(anaFile.text.contains(QStringLiteral("4321.25")));
    // A broker admin who does not own the task gets everything too.
    CHECK(restCall(s.url(), s.token(s.dee), "GET",
                   QStringLiteral("/api/tasks/%1/output").arg(anaExport))
              .ok());

    // Ben (agent, North) and Lee (team lead, North) see the shared tasks, in summary only.
    for (const Identity& reader : {s.ben, lee}) {
        const QString token = s.token(reader);
        for (const QString& id : {adminExport, dedupe, anaExport}) {
            const auto got =
                restCall(s.url(), token, "GET", QStringLiteral("/api/tasks/%1").arg(id));
            REQUIRE(got.ok());
            const QJsonObject task = got.body.toObject();
            checkSummaryOnly(task);
            CHECK(leaked(text(task), secrets).isEmpty());
            CHECK(task.value(QStringLiteral("status")) == QStringLiteral("completed"));
            CHECK(task.value(QStringLiteral("progress")).toInt() == 100);
            for (const QString& file : {QStringLiteral("output"), QStringLiteral("report")}) {
                const auto download = restCall(s.url(), token, "GET",
                                               QStringLiteral("/api/tasks/%1/%2").arg(id, file));
                CHECK(download.httpStatus == 403);
                CHECK(download.error.code == QStringLiteral("forbidden"));
                CHECK(download.error.message.contains(QStringLiteral("owner")));
                CHECK(leaked(download.text, secrets).isEmpty());
            }
        }
        const auto list = restCall(s.url(), token, "GET", QStringLiteral("/api/tasks"));
        REQUIRE(list.ok());
        const QJsonArray tasks = list.body.toObject().value(QStringLiteral("tasks")).toArray();
        CHECK(tasks.size() == 3);
        CHECK(leaked(text(tasks), secrets).isEmpty());
    }
    // The counts stay: that is the progress a teammate follows.
    const QJsonObject benDedupe =
        restCall(s.url(), s.token(s.ben), "GET", QStringLiteral("/api/tasks/%1").arg(dedupe))
            .body.toObject();
    const QJsonObject counts = benDedupe.value(QStringLiteral("result")).toObject();
    CHECK(counts.value(QStringLiteral("groupCount")).toInt() == 2);
    CHECK(counts.value(QStringLiteral("duplicates")).toInt() == 2);
    CHECK(counts.value(QStringLiteral("scanned")).toInt() == 4);
    CHECK_FALSE(counts.contains(QStringLiteral("groups")));
    const QJsonObject benExport =
        restCall(s.url(), s.token(s.ben), "GET", QStringLiteral("/api/tasks/%1").arg(adminExport))
            .body.toObject();
    CHECK(benExport.value(QStringLiteral("result")).toObject().value(QStringLiteral("rows")) == 2);
    CHECK(benExport.value(QStringLiteral("params")).toObject().contains(QStringLiteral("filter")));

    // Over the socket: the list sent at connect and the task:list answer hold the same summary,
    // and the desktop's task list offers no download of them; the broker admin's offers all.
    Agent ben(s, s.ben, newId());
    test::Profile benDesk(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    test::Profile deeDesk(s, s.dee, s.dir.filePath(QStringLiteral("dee.sqlite")));
    TaskListModel benTasks(*benDesk.core);
    TaskListModel deeTasks(*deeDesk.core);
    ben.connect();
    benDesk.goOnline();
    deeDesk.goOnline();
    REQUIRE(waitUntil([&] { return benTasks.rowCount() == 3 && deeTasks.rowCount() == 3; }));
    for (int row = 0; row < 3; ++row) {
        CHECK_FALSE(benTasks.index(row).data(TaskListModel::CanDownloadRole).toBool());
        CHECK(deeTasks.index(row).data(TaskListModel::CanDownloadRole).toBool());
    }
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("ai:task:list")); }));
    const QJsonArray initial =
        ben.last(QStringLiteral("ai:task:list")).value(QStringLiteral("tasks")).toArray();
    CHECK(initial.size() == 3);
    CHECK(leaked(text(initial), secrets).isEmpty());
    for (const auto& task : initial)
        checkSummaryOnly(task.toObject());
    const QJsonObject answer = ask(ben, QStringLiteral("task:list"), {});
    CHECK(answer.value(QStringLiteral("tasks")).toArray().size() == 3);
    CHECK(leaked(text(answer), secrets).isEmpty());
}

TEST_CASE("A teammate's stock socket.io-client hears a broker admin's shared de-duplication "
          "progress, never another team's lead ids",
          "[server][tasks][sharing][interop]")
{
    if (const QString why = test::NodePeer::unavailableReason(); !why.isEmpty())
        FAIL(why.toStdString());
    Server s;
    const Records records = seed(s);
    Agent dee(s, s.dee, newId());
    dee.connect();

    QProcess listener;
    listener.start(
        QStringLiteral(CRM_NODE_EXECUTABLE),
        {QStringLiteral(CRM_INTEROP_DIR "/task-listener.js"), s.url().toString(), s.token(s.ben)});
    QByteArray out;
    REQUIRE(waitUntil([&] {
        out += listener.readAllStandardOutput();
        return out.contains("READY\n") || listener.state() == QProcess::NotRunning;
    }));
    REQUIRE(out.contains("READY\n"));
    const QString id = idOf(
        startTask(s, s.dee, QStringLiteral("lead_dedupe"), {{QStringLiteral("merge"), false}}));
    REQUIRE(waitUntil([&] { return listener.state() == QProcess::NotRunning; }, 40s));
    out += listener.readAllStandardOutput();
    INFO(listener.readAllStandardError().toStdString());
    REQUIRE(listener.exitStatus() == QProcess::NormalExit);
    REQUIRE(listener.exitCode() == 0);
    const QJsonObject heard = QJsonDocument::fromJson(out.mid(out.indexOf("READY\n") + 6)).object();

    // Ben's client followed the task from start to end...
    const QJsonArray events = heard.value(QStringLiteral("events")).toArray();
    REQUIRE(events.size() >= 2);
    const QJsonArray last = events.last().toArray();
    CHECK(last.at(0) == QStringLiteral("ai:task:completed"));
    const QJsonObject done = last.at(1).toObject();
    CHECK(idOf(done) == id);
    CHECK(done.value(QStringLiteral("progress")).toInt() == 100);
    CHECK(done.value(QStringLiteral("result")).toObject().value(QStringLiteral("groupCount")) == 2);
    // ...and never heard a lead id, in any event or in its task:list answer.
    for (const auto& event : events) {
        checkSummaryOnly(event.toArray().at(1).toObject());
        CHECK(leaked(text(event), records.leadIds).isEmpty());
    }
    CHECK(leaked(text(heard.value(QStringLiteral("list"))), records.leadIds).isEmpty());

    // The broker admin's own socket heard the same completion with every group in it.
    REQUIRE(waitUntil([&] { return dee.has(QStringLiteral("ai:task:completed")); }));
    CHECK(text(dee.last(QStringLiteral("ai:task:completed"))).contains(records.southOnly.first()));
}

TEST_CASE("An agent task shows others only its top-level numbers, and cancel and retry answer a "
          "team lead with the summary",
          "[server][tasks][sharing]")
{
    TaskRunner::Options tasks;
    tasks.maxRunningPerBrokerage = 0; // built-in tasks stay queued: cancel and retry are certain
    Server s(900s, {}, QStringLiteral("sqlite"), tasks);
    const Identity leeId = s.add(s.ana.brokerageId, s.north, QStringLiteral("lee@harbor.test"),
                                 Identity::Role::TeamLead);
    Agent ana(s, s.ana, newId()), ben(s, s.ben, newId()), lee(s, leeId, newId());
    for (Agent* a : {&ana, &ben, &lee})
        a->connect();
    const QString secret = newId(); // a record id the agent works on

    const QJsonObject started =
        ask(ana, QStringLiteral("task:start"),
            {{QStringLiteral("kind"), QStringLiteral("agent")},
             {QStringLiteral("title"), QStringLiteral("Open escrow from email")},
             {QStringLiteral("params"),
              QJsonObject{{QStringLiteral("escrowId"), secret}, {QStringLiteral("limit"), 5}}},
             {QStringLiteral("shared"), true}});
    const QJsonObject mine = started.value(QStringLiteral("task")).toObject();
    CHECK(text(mine).contains(secret)); // the owner's own answer is whole
    const QString id = idOf(mine);
    CHECK(ask(ana, QStringLiteral("task:report"),
              {{QStringLiteral("id"), id},
               {QStringLiteral("progress"), 50},
               {QStringLiteral("result"),
                QJsonObject{{QStringLiteral("escrowId"), secret},
                            {QStringLiteral("created"), 3},
                            {QStringLiteral("names"), QJsonArray{QStringLiteral("Mia Wong")}},
                            {QStringLiteral("detail"), QJsonObject{{QStringLiteral("n"), 1}}}}}})
              .value(QStringLiteral("status")) == QStringLiteral("ok"));

    // A team lead may cancel a shared task; the answer is the summary.
    const QJsonObject cancelled =
        ask(lee, QStringLiteral("task:cancel"), {{QStringLiteral("id"), id}});
    REQUIRE(cancelled.value(QStringLiteral("status")) == QStringLiteral("ok"));
    const QJsonObject leeView = cancelled.value(QStringLiteral("task")).toObject();
    checkSummaryOnly(leeView);
    CHECK(leeView.value(QStringLiteral("result")).toObject() ==
          QJsonObject{{QStringLiteral("created"), 3}});
    CHECK(leeView.value(QStringLiteral("params")).toObject().isEmpty());
    CHECK_FALSE(text(leeView).contains(secret));
    CHECK(ask(ana, QStringLiteral("task:report"),
              {{QStringLiteral("id"), id}, {QStringLiteral("status"), QStringLiteral("cancelled")}})
              .value(QStringLiteral("status")) == QStringLiteral("ok"));

    // Every event Ben and Lee heard about it was the summary; Ana's were whole.
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("ai:task:cancelled")); }));
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("ai:task:cancelled")); }));
    for (Agent* other : {&ben, &lee}) {
        for (const auto& [event, payload] : other->events) {
            if (!event.startsWith(QStringLiteral("ai:task:")))
                continue;
            CHECK_FALSE(text(payload).contains(secret));
            CHECK_FALSE(text(payload).contains(QStringLiteral("Mia Wong")));
        }
    }
    CHECK(text(ana.last(QStringLiteral("ai:task:cancelled"))).contains(secret));

    // A built-in task's cancel and retry answers to a team lead: the summary, params kept to
    // what names no record.
    const QString import = idOf(startTask(s, s.ana, QStringLiteral("csv_import"),
                                          {{QStringLiteral("module"), QStringLiteral("leads")}},
                                          QStringLiteral("Name,Email\nJo Park,jo@example.com\n")));
    const auto cancel = restCall(s.url(), s.token(leeId), "POST",
                                 QStringLiteral("/api/tasks/%1/cancel").arg(import));
    REQUIRE(cancel.ok());
    checkSummaryOnly(cancel.body.toObject());
    const QJsonObject retried =
        ask(lee, QStringLiteral("task:retry"), {{QStringLiteral("id"), import}});
    REQUIRE(retried.value(QStringLiteral("status")) == QStringLiteral("ok"));
    checkSummaryOnly(retried.value(QStringLiteral("task")).toObject());
    CHECK(retried.value(QStringLiteral("task")).toObject().value(QStringLiteral("params")) ==
          QJsonObject{{QStringLiteral("module"), QStringLiteral("leads")}});
}
