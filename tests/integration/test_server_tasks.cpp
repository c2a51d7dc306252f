// Tasks on a real in-process crm-server: CSV import (progress, counts, rejected rows, a teammate
// seeing rows arrive), cancel and retry, export, lead de-duplication, the brokerage's limit, and
// who may see or control what (external agents: test_task_agents.cpp).
#include "server/storage/changelog.h"
#include "server/storage/recordstore.h"
#include "server/tasks/csvtable.h"
#include "server/tasks/taskrunner.h"
#include "support/clientprofile.h"
#include "support/leadcsv.h"
#include "support/restcall.h"
#include "support/taskfixture.h"

#include <catch2/catch.hpp>
#include <QElapsedTimer>

using namespace crm;
using test::Agent;
using test::idOf;
using test::liveLeads;
using test::newId;
using test::Profile;
using test::restCall;
using test::Server;
using test::startImport;
using test::startTask;
using test::taskList;
using test::TaskWatcher;
using test::waitCompleted;
using test::waitUntil;
using namespace std::chrono_literals;

TEST_CASE("CsvTable reads quoted cells, line breaks inside quotes and a byte order mark",
          "[server][tasks]")
{
    QString error;
    const auto rows = CsvTable::parse(QStringLiteral("\uFEFFa,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n"
                                                     "\n\"two\nlines\",z\nlast,row"),
                                      &error);
    REQUIRE(rows);
    REQUIRE(rows->size() == 4);
    CHECK(rows->at(0).cells == QStringList{QStringLiteral("a"), QStringLiteral("b")});
    CHECK(rows->at(1).cells == QStringList{QStringLiteral("x, y"), QStringLiteral("say \"hi\"")});
    CHECK(rows->at(2).line == 4); // the blank line 3 is skipped, the row still knows its line
    CHECK(rows->at(2).cells.first() == QStringLiteral("two\nlines"));
    CHECK(rows->at(3).line == 6);
    CHECK(CsvTable::formatRow(
              {QStringLiteral("plain"), QStringLiteral("a,b"), QStringLiteral("q\"q")}) ==
          QStringLiteral("plain,\"a,b\",\"q\"\"q\""));
    CHECK_FALSE(CsvTable::parse(QStringLiteral("a,\"never ends\nb"), &error));
    CHECK(error.contains(QStringLiteral("line 1")));
}

TEST_CASE("A 5,000-row import: monotonic throttled progress, exact counts, every bad row with "
          "its reason, and a teammate receives the rows live",
          "[server][tasks]")
{
    // Server, Ben's profile applying every row and Ana's socket share one thread here: on a
    // loaded machine 200 ms heartbeats dropped their links mid-import.
    Server s(std::chrono::seconds(900), {}, QStringLiteral("sqlite"), {}, 1000ms);
    Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
    ben.goOnline();
    Agent ana(s, s.ana, newId());
    ana.connect();
    TaskWatcher watcher(ana.manager);
    qint64 benLeadsWhileRunning = -1;

    const auto csv = test::makeLeadCsv(5000);
    REQUIRE(csv.bad > 100); // "a few percent"
    QElapsedTimer clock;
    clock.start();
    const QString id = idOf(startImport(s, s.ana, csv.text));
    REQUIRE(waitUntil(
        [&] {
            if (watcher.status(id) == QStringLiteral("running") && benLeadsWhileRunning < 0) {
                const qint64 count = ben.store->cache().records(QStringLiteral("leads")).size();
                if (count > 0)
                    benLeadsWhileRunning = count;
            }
            return watcher.status(id) == QStringLiteral("completed");
        },
        120s));
    const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;

    // Queued, started, progress..., completed; progress never goes back and is throttled.
    const auto progress = watcher.of(id, QStringLiteral("ai:task:progress"));
    REQUIRE(watcher.of(id, QStringLiteral("ai:task:started")).size() == 1);
    REQUIRE(progress.size() >= 2);
    int last = -1;
    qint64 lastDone = -1;
    for (const auto& event : progress) {
        CHECK(event.value(QStringLiteral("progress")).toInt() >= last);
        CHECK(event.value(QStringLiteral("stepsDone")).toInteger() >= lastDone);
        last = event.value(QStringLiteral("progress")).toInt();
        lastDone = event.value(QStringLiteral("stepsDone")).toInteger();
    }
    CHECK(progress.size() <= seconds * 10 + 5);

    // The end itself was heard, not only read from a task list after a reconnect.
    REQUIRE(watcher.of(id, QStringLiteral("ai:task:completed")).size() == 1);
    const QJsonObject done = watcher.of(id, QStringLiteral("ai:task:completed")).first();
    const QJsonObject result = done.value(QStringLiteral("result")).toObject();
    CHECK(done.value(QStringLiteral("progress")).toInt() == 100);
    CHECK(result.value(QStringLiteral("rows")).toInt() == 5000);
    CHECK(result.value(QStringLiteral("imported")).toInt() == 5000 - csv.bad);
    CHECK(result.value(QStringLiteral("rejected")).toInt() == csv.bad);
    CHECK(result.value(QStringLiteral("ignoredColumns")).toArray() ==
          QJsonArray{QStringLiteral("Favourite colour")});
    CHECK(done.value(QStringLiteral("step")).toString() ==
          QStringLiteral("Imported %1 of 5000 rows; %2 rejected").arg(5000 - csv.bad).arg(csv.bad));
    const auto inlineRejections = result.value(QStringLiteral("rejectedRows")).toArray();
    REQUIRE(inlineRejections.size() == std::min(csv.bad, 100));
    CHECK(inlineRejections.first().toObject().value(QStringLiteral("line")).toInt() ==
          csv.badLines.first());
    CHECK(liveLeads(s, s.ana) == 5000 - csv.bad);

    // The report names every rejected line with a reason a person can act on.
    const auto report =
        restCall(s.url(), s.token(s.ana), "GET", QStringLiteral("/api/tasks/%1/report").arg(id));
    REQUIRE(report.ok());
    QString parseError;
    const auto rows = CsvTable::parse(report.text, &parseError);
    REQUIRE(rows);
    REQUIRE(rows->size() == csv.bad + 1);
    QList<int> lines;
    for (qsizetype i = 1; i < rows->size(); ++i) {
        lines.append(rows->at(i).cells.at(0).toInt());
        CHECK_FALSE(rows->at(i).cells.at(2).isEmpty());
    }
    CHECK(lines == csv.badLines);
    CHECK(report.text.contains(QStringLiteral("'lots' is not a whole number")));
    CHECK(report.text.contains(QStringLiteral("bogus")));

    // Ben saw rows arrive while the import ran, and ends with all of them.
    CHECK(benLeadsWhileRunning > 0);
    CHECK(benLeadsWhileRunning < 5000 - csv.bad);
    REQUIRE(waitUntil([&] {
        return ben.store->cache().records(QStringLiteral("leads")).size() == 5000 - csv.bad;
    }));
    WARN("imported 5,000 rows in " << seconds << " s");
}

TEST_CASE("An import names assignees by email, name or id, and says why a name does not fit",
          "[server][tasks]")
{
    Server s;
    // A second "ben" (the fixture names people after their email) makes that name ambiguous.
    const Identity otherBen = s.add(s.ben.brokerageId, s.north,
                                    QStringLiteral("ben@annex.harbor.test"), Identity::Role::Agent);
    const QString csv = QStringLiteral("Name,Email,Assigned agent\n"
                                       "By email,a@example.com,BEN@harbor.test\n"
                                       "By name,b@example.com,Cleo\n"
                                       "By id,c@example.com,%1\n"
                                       "Nobody,d@example.com,Zed Unknown\n"
                                       "Two of them,e@example.com,ben\n")
                            .arg(s.ana.userId);
    const QString id = idOf(startImport(s, s.ana, csv));
    const QJsonObject result =
        waitCompleted(s, s.ana, id).value(QStringLiteral("result")).toObject();
    CHECK(result.value(QStringLiteral("imported")).toInt() == 3);
    const QJsonArray rejected = result.value(QStringLiteral("rejectedRows")).toArray();
    REQUIRE(rejected.size() == 2);
    CHECK(rejected.at(0).toObject().value(QStringLiteral("line")).toInt() == 5);
    CHECK(rejected.at(0)
              .toObject()
              .value(QStringLiteral("reason"))
              .toString()
              .contains(QStringLiteral("No one in this brokerage is 'Zed Unknown'")));
    CHECK(rejected.at(1)
              .toObject()
              .value(QStringLiteral("reason"))
              .toString()
              .contains(QStringLiteral("use their email")));

    QHash<QString, QString> assigned; // lead name -> assignee
    qint64 total = 0;
    RecordStore records(s.server.database());
    for (const auto& lead : records.list(s.dee, QStringLiteral("leads"), 0, 100, &total))
        assigned.insert(lead.data.value(QStringLiteral("name")).toString(),
                        lead.data.value(QStringLiteral("assignedAgentId")).toString());
    CHECK(assigned.value(QStringLiteral("By email")) == s.ben.userId);
    CHECK(assigned.value(QStringLiteral("By name")) == s.cleo.userId);
    CHECK(assigned.value(QStringLiteral("By id")) == s.ana.userId);
    CHECK(assigned.value(QStringLiteral("By email")) != otherBen.userId);
}

TEST_CASE("Cancel stops an import between rows, keeps a consistent state and says how far it "
          "got, retry finishes it without importing a row twice",
          "[server][tasks]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    Server s(900s, {}, backend);
    if (s.skipped)
        return;
    Agent ana(s, s.ana, newId());
    ana.connect();
    TaskWatcher watcher(ana.manager);
    const auto csv = test::makeLeadCsv(3000);
    const QString id = idOf(startImport(s, s.ana, csv.text));
    REQUIRE(waitUntil([&] {
        const auto progress = watcher.of(id, QStringLiteral("ai:task:progress"));
        return !progress.isEmpty() &&
               progress.last().value(QStringLiteral("stepsDone")).toInt() >= 300;
    }));
    const auto cancelled =
        restCall(s.url(), s.token(s.ana), "POST", QStringLiteral("/api/tasks/%1/cancel").arg(id));
    REQUIRE(cancelled.ok());
    const QJsonObject task = cancelled.body.toObject();
    CHECK(task.value(QStringLiteral("status")) == QStringLiteral("cancelled"));
    const qint64 processed = task.value(QStringLiteral("stepsDone")).toInteger();
    CHECK(processed >= 300);
    CHECK(processed < 3000);
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    const qint64 imported = result.value(QStringLiteral("imported")).toInteger();
    CHECK(imported + result.value(QStringLiteral("rejected")).toInteger() == processed);
    CHECK(task.value(QStringLiteral("step"))
              .toString()
              .startsWith(QStringLiteral("Cancelled at %1 of 3000").arg(processed)));
    REQUIRE(waitUntil([&] { return watcher.status(id) == QStringLiteral("cancelled"); }));
    // Nothing runs on after the cancel: exactly what the result says is stored.
    test::spin(300ms);
    CHECK(liveLeads(s, s.ana) == imported);

    // A second cancel is refused; retry runs the rest, and the rows from attempt 1 are found,
    // not imported again.
    CHECK(restCall(s.url(), s.token(s.ana), "POST", QStringLiteral("/api/tasks/%1/cancel").arg(id))
              .httpStatus == 409);
    const auto retried =
        restCall(s.url(), s.token(s.ana), "POST", QStringLiteral("/api/tasks/%1/retry").arg(id));
    REQUIRE(retried.ok());
    CHECK(retried.body.toObject().value(QStringLiteral("attempt")).toInt() == 2);
    REQUIRE(waitUntil([&] { return watcher.status(id) == QStringLiteral("completed"); }, 60s));
    const auto final = watcher.of(id, QStringLiteral("ai:task:completed")).last();
    CHECK(final.value(QStringLiteral("result"))
              .toObject()
              .value(QStringLiteral("imported"))
              .toInt() == 3000 - csv.bad);
    CHECK(liveLeads(s, s.ana) == 3000 - csv.bad);
}

TEST_CASE("Bad task requests get clear errors and leave nothing behind", "[server][tasks]")
{
    Server s;
    auto post = [&](const QJsonObject& body) {
        return restCall(s.url(), s.token(s.ana), "POST", QStringLiteral("/api/tasks"), body);
    };
    const QJsonObject leads{{QStringLiteral("module"), QStringLiteral("leads")}};
    auto reply = post({{QStringLiteral("kind"), QStringLiteral("mine_bitcoin")}});
    CHECK(reply.error.code == QStringLiteral("unknown_kind"));
    reply = post({{QStringLiteral("kind"), QStringLiteral("csv_import")},
                  {QStringLiteral("params"), leads},
                  {QStringLiteral("input"), QStringLiteral("Email,Phone\na@b.test,1\n")}});
    CHECK(reply.httpStatus == 422);
    CHECK(reply.error.message.contains(QStringLiteral("no column for Name")));
    reply = post({{QStringLiteral("kind"), QStringLiteral("csv_import")},
                  {QStringLiteral("params"), leads},
                  {QStringLiteral("input"), QStringLiteral("Name\n\"unterminated\n")}});
    CHECK(reply.error.message.contains(QStringLiteral("not valid CSV")));
    reply = post({{QStringLiteral("kind"), QStringLiteral("csv_import")},
                  {QStringLiteral("params"),
                   QJsonObject{{QStringLiteral("module"), QStringLiteral("spaceships")}}},
                  {QStringLiteral("input"), QStringLiteral("Name\nx\n")}});
    CHECK(reply.error.message.contains(QStringLiteral("no module 'spaceships'")));
    reply = post({{QStringLiteral("kind"), QStringLiteral("csv_export")},
                  {QStringLiteral("params"),
                   QJsonObject{{QStringLiteral("search"), QString(70000, u'x')}}}});
    CHECK(reply.httpStatus == 413);
    CHECK(reply.error.code == QStringLiteral("too_large"));
    reply = post({{QStringLiteral("kind"), 42}});
    CHECK(reply.httpStatus == 400);
    reply = post({{QStringLiteral("kind"), QStringLiteral("lead_dedupe")},
                  {QStringLiteral("params"), QJsonObject{{QStringLiteral("merge"), 1}}}});
    CHECK(reply.error.message.contains(QStringLiteral("merge must be true or false")));
    CHECK(taskList(s, s.ana).isEmpty());
    CHECK(restCall(s.url(), QStringLiteral("not a token"), "GET", QStringLiteral("/api/tasks"))
              .httpStatus == 401);
}

TEST_CASE("Tasks stay inside the team: another team neither sees, hears nor cancels them",
          "[server][tasks]")
{
    Server s;
    Agent cleo(s, s.cleo, newId());
    cleo.connect();
    TaskWatcher cleoHears(cleo.manager);
    Agent ben(s, s.ben, newId());
    ben.connect();
    TaskWatcher benHears(ben.manager);

    const auto mine = startImport(s, s.ana, test::makeLeadCsv(50).text);
    const QString sharedId =
        idOf(startTask(s, s.ana, QStringLiteral("csv_export"),
                       {{QStringLiteral("module"), QStringLiteral("leads")}}, true));
    REQUIRE(waitUntil([&] { return benHears.status(sharedId) == QStringLiteral("completed"); }));
    test::spin(200ms);
    // Ben (same team) hears the shared task only; Cleo (South) hears nothing.
    CHECK(benHears.of(idOf(mine)).isEmpty());
    CHECK(cleoHears.events.isEmpty());
    for (const auto& path :
         {QStringLiteral("/api/tasks/%1"), QStringLiteral("/api/tasks/%1/output")}) {
        CHECK(restCall(s.url(), s.token(s.cleo), "GET", path.arg(sharedId)).httpStatus == 404);
    }
    CHECK(restCall(s.url(), s.token(s.cleo), "POST",
                   QStringLiteral("/api/tasks/%1/cancel").arg(idOf(mine)))
              .httpStatus == 404);
    CHECK(taskList(s, s.cleo).isEmpty());
    // Ben sees the shared task but, as an agent (not a team lead), cannot retry or cancel it.
    CHECK(restCall(s.url(), s.token(s.ben), "GET", QStringLiteral("/api/tasks/%1").arg(sharedId))
              .ok());
    CHECK(restCall(s.url(), s.token(s.ben), "POST",
                   QStringLiteral("/api/tasks/%1/retry").arg(sharedId))
              .httpStatus == 403);
    // The broker admin sees everything in the brokerage.
    CHECK(taskList(s, s.dee).size() == 2);
}

TEST_CASE("CSV export writes what the owner may see, filtered, and downloads over REST",
          "[server][tasks]")
{
    Server s;
    Agent ana(s, s.ana, newId());
    ana.connect();
    TaskWatcher watcher(ana.manager);
    ana.create(newId(), {{QStringLiteral("number"), QStringLiteral("=HYPERLINK(1)")},
                         {QStringLiteral("status"), QStringLiteral("open")},
                         {QStringLiteral("myCommission"), 1234.5}});
    ana.create(newId(), {{QStringLiteral("number"), QStringLiteral("ESC-2, closed")},
                         {QStringLiteral("status"), QStringLiteral("closed")}});
    auto exportAs = [&](const Identity& who, const QJsonObject& params) {
        const QString id = idOf(startTask(s, who, QStringLiteral("csv_export"), params));
        waitCompleted(s, who, id);
        const auto file =
            restCall(s.url(), s.token(who), "GET", QStringLiteral("/api/tasks/%1/output").arg(id));
        REQUIRE(file.ok());
        QString error;
        return *CsvTable::parse(file.text, &error);
    };
    const QJsonObject escrows{{QStringLiteral("module"), QStringLiteral("escrows")}};
    auto rows = exportAs(s.ana, escrows);
    REQUIRE(rows.size() == 3);
    const int commission = static_cast<int>(rows[0].cells.indexOf(QStringLiteral("My commission")));
    REQUIRE(commission > 0);
    CHECK(rows[1].cells.at(1) == QStringLiteral("'=HYPERLINK(1)")); // never a live formula
    CHECK(rows[1].cells.at(commission) == QStringLiteral("1234.5"));
    CHECK(rows[2].cells.at(1) == QStringLiteral("ESC-2, closed"));
    // Ben's export masks Ana's commission, as his table does.
    rows = exportAs(s.ben, escrows);
    CHECK(rows[1].cells.at(commission).isEmpty());
    QJsonObject filtered = escrows;
    filtered.insert(QStringLiteral("filter"),
                    QJsonObject{{QStringLiteral("status"), QStringLiteral("CLOSED")}});
    rows = exportAs(s.ana, filtered);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].cells.at(1) == QStringLiteral("ESC-2, closed"));
}

TEST_CASE("Lead de-duplication finds likely duplicates and merges them through mutations",
          "[server][tasks]")
{
    Server s;
    Agent ana(s, s.ana, newId());
    ana.connect();
    auto lead = [&](const QJsonObject& fields) {
        const QString id = newId();
        REQUIRE(ana.mutate({{QStringLiteral("module"), QStringLiteral("leads")},
                            {QStringLiteral("op"), QStringLiteral("create")},
                            {QStringLiteral("id"), id},
                            {QStringLiteral("mutationId"), ++ana.mutationId},
                            {QStringLiteral("fields"), fields}})
                    .value(QStringLiteral("status")) == QStringLiteral("applied"));
        test::spin(5ms); // distinct creation times: the oldest lead is the one kept
        return id;
    };
    const QString mia = lead({{QStringLiteral("name"), QStringLiteral("Mia Wong")},
                              {QStringLiteral("email"), QStringLiteral("mia@example.test")}});
    const QString miaAgain = lead({{QStringLiteral("name"), QStringLiteral("M. Wong")},
                                   {QStringLiteral("email"), QStringLiteral("MIA@Example.TEST")},
                                   {QStringLiteral("phone"), QStringLiteral("(415) 555-0101")},
                                   {QStringLiteral("score"), 80}});
    const QString byPhone = lead({{QStringLiteral("name"), QStringLiteral("Wong, Mia")},
                                  {QStringLiteral("phone"), QStringLiteral("+1 415 555 0101")}});
    const QString joe = lead({{QStringLiteral("name"), QStringLiteral("Joe Park")},
                              {QStringLiteral("email"), QStringLiteral("joe@example.test")}});
    // The same name with another email is another person.
    const QString otherJoe = lead({{QStringLiteral("name"), QStringLiteral("park joe")},
                                   {QStringLiteral("email"), QStringLiteral("jp@else.test")}});
    const QString joeNoEmail = lead({{QStringLiteral("name"), QStringLiteral("Joe  Park")},
                                     {QStringLiteral("source"), QStringLiteral("referral")}});

    auto run = [&](bool merge) {
        const QString id = idOf(
            startTask(s, s.ana, QStringLiteral("lead_dedupe"), {{QStringLiteral("merge"), merge}}));
        return waitCompleted(s, s.ana, id).value(QStringLiteral("result")).toObject();
    };
    auto groupOf = [](const QJsonObject& result, const QString& keep) {
        for (const auto& group : result.value(QStringLiteral("groups")).toArray()) {
            if (group.toObject().value(QStringLiteral("keep")) == keep)
                return group.toObject();
        }
        return QJsonObject();
    };

    auto found = run(false);
    CHECK(found.value(QStringLiteral("scanned")).toInt() == 6);
    CHECK(found.value(QStringLiteral("groupCount")).toInt() == 2);
    CHECK(found.value(QStringLiteral("duplicates")).toInt() == 3);
    const auto miaGroup = groupOf(found, mia);
    CHECK(miaGroup.value(QStringLiteral("duplicates")).toArray() == QJsonArray{miaAgain, byPhone});
    CHECK(miaGroup.value(QStringLiteral("reasons")).toArray().contains(QStringLiteral("email")));
    CHECK(miaGroup.value(QStringLiteral("reasons")).toArray().contains(QStringLiteral("phone")));
    CHECK(groupOf(found, joe).value(QStringLiteral("duplicates")).toArray() ==
          QJsonArray{joeNoEmail});
    CHECK(liveLeads(s, s.ana) == 6); // finding changes nothing

    const auto merged = run(true);
    CHECK(merged.value(QStringLiteral("merged")).toInt() == 3);
    CHECK(liveLeads(s, s.ana) == 3);
    RecordStore records(s.server.database());
    const auto kept = records.find(QStringLiteral("leads"), mia);
    REQUIRE(kept);
    // Empty fields were filled from the duplicates; what the kept lead had stays.
    CHECK(kept->data.value(QStringLiteral("name")) == QStringLiteral("Mia Wong"));
    CHECK(kept->data.value(QStringLiteral("phone")) == QStringLiteral("(415) 555-0101"));
    CHECK(kept->data.value(QStringLiteral("score")).toInt() == 80);
    CHECK(records.find(QStringLiteral("leads"), miaAgain)->deleted);
    CHECK_FALSE(records.find(QStringLiteral("leads"), otherJoe)->deleted);
    // The history says who merged what: the deleted duplicates' values are in the change log.
    const auto read = s.server.changeLog().recordHistoryAfter(QStringLiteral("leads"), miaAgain, 0);
    REQUIRE(read);
    const auto& history = *read;
    REQUIRE(history.size() == 2);
    CHECK(history.last().kind == QStringLiteral("deleted"));
    CHECK(history.first()
              .fields.value(QStringLiteral("score"))
              .toObject()
              .value(QStringLiteral("new"))
              .toInt() == 80);
}

TEST_CASE("The brokerage-wide limit queues tasks beyond it and starts each when a slot frees",
          "[server][tasks]")
{
    TaskRunner::Options options;
    options.maxRunningPerBrokerage = 1;
    Server s(900s, {}, QStringLiteral("sqlite"), options);
    Agent ana(s, s.ana, newId());
    ana.connect();
    TaskWatcher watcher(ana.manager);
    QStringList ids;
    for (int i = 0; i < 3; ++i)
        ids.append(idOf(startImport(s, i == 1 ? s.ben : s.ana, test::makeLeadCsv(400).text)));
    waitCompleted(s, s.ana, ids.last());
    // REST can say completed before the socket's event about it has arrived: wait for the event.
    REQUIRE(waitUntil([&] { return watcher.status(ids.last()) == QStringLiteral("completed"); }));
    // Ana's two tasks: the second waited (queued) until Ben's, started between them, was done.
    QStringList order;
    for (const auto& [event, task] : watcher.events) {
        if (event == QStringLiteral("ai:task:started") ||
            event == QStringLiteral("ai:task:completed"))
            order.append(event.section(u':', 2) + u' ' + QString::number(ids.indexOf(idOf(task))));
    }
    CHECK(order == QStringList{QStringLiteral("started 0"), QStringLiteral("completed 0"),
                               QStringLiteral("started 2"), QStringLiteral("completed 2")});
    const auto last = watcher.of(ids.last(), QStringLiteral("ai:task:queued"));
    REQUIRE(last.size() == 1);
    CHECK(last.first().value(QStringLiteral("step")) == QStringLiteral("Waiting for a free slot"));
}
