// Tasks across real processes: crm-server killed in the middle of an import, and crm-cli's task
// commands as a shell-scripted agent would use them.
#include "support/eventloop.h"
#include "support/leadcsv.h"
#include "support/restcall.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

using namespace crm;
using namespace std::chrono_literals;
using test::restCall;
using test::waitUntil;

namespace {

struct Cli
{
    int exitCode = -1;
    QString out;
    QString err;
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

Cli cli(const QUrl& server, const QString& token, const QStringList& args)
{
    QProcess process;
    process.start(QStringLiteral(CRM_CLI_PATH),
                  QStringList{QStringLiteral("--server"), server.toString(),
                              QStringLiteral("--token"), token} +
                      args);
    REQUIRE(process.waitForStarted());
    REQUIRE(waitUntil([&] { return process.state() == QProcess::NotRunning; }, 120s));
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()).trimmed(),
            QString::fromUtf8(process.readAllStandardError())};
}

qint64 leadsOnServer(const QUrl& server, const QString& token)
{
    const auto reply = restCall(server, token, "GET", QStringLiteral("/api/records/leads"));
    REQUIRE(reply.ok());
    return reply.body.toObject().value(QStringLiteral("total")).toInteger();
}

// A real crm-server process with one user (and their token), and a leads CSV on disk.
struct ServerWithLeads
{
    explicit ServerWithLeads(int rows) : csv(test::makeLeadCsv(rows))
    {
        const auto issued = server.addUserWithToken(QStringLiteral("importer@harbor.test"));
        REQUIRE(issued);
        token = *issued;
        REQUIRE(server.start());
        QFile file(files.filePath(QStringLiteral("leads.csv")));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(csv.text.toUtf8());
        csvPath = file.fileName();
    }
    Cli run(const QStringList& args) { return cli(server.url(), token, args); }

    QTemporaryDir dir;
    QTemporaryDir files;
    test::ServerProcess server{dir.path()};
    test::LeadCsv csv;
    QString token;
    QString csvPath;
};

} // namespace

TEST_CASE("crm-server killed mid-import: the task resumes after the restart and imports every "
          "row exactly once, an agent's task fails as interrupted",
          "[tasks][crash]")
{
    ServerWithLeads setup(10000);
    test::ServerProcess& server = setup.server;
    const QString& token = setup.token;
    const test::LeadCsv& csv = setup.csv;
    const auto agentTask =
        setup.run({QStringLiteral("task"), QStringLiteral("start"), QStringLiteral("agent"),
                   QStringLiteral("--title"), QStringLiteral("Write listing copy")});
    REQUIRE(agentTask.exitCode == 0);
    const auto started =
        setup.run({QStringLiteral("task"), QStringLiteral("start"), QStringLiteral("csv_import"),
                   QStringLiteral("--module"), QStringLiteral("leads"), QStringLiteral("--file"),
                   setup.csvPath});
    REQUIRE(started.exitCode == 0);
    const QString id = started.out;
    QJsonObject task;
    REQUIRE(waitUntil(
        [&] {
            task = restCall(server.url(), token, "GET", QStringLiteral("/api/tasks/%1").arg(id))
                       .body.toObject();
            return task.value(QStringLiteral("stepsDone")).toInt() >= 500;
        },
        60s));
    REQUIRE(task.value(QStringLiteral("status")) == QStringLiteral("running"));
    server.kill();
    const quint16 port = server.port();
    REQUIRE(server.start({}, port));

    const auto waited =
        setup.run({QStringLiteral("task"), QStringLiteral("wait"), id, QStringLiteral("--json")});
    CHECK(waited.exitCode == 0);
    const QJsonObject done = waited.json();
    CHECK(done.value(QStringLiteral("status")) == QStringLiteral("completed"));
    CHECK(done.value(QStringLiteral("attempt")).toInt() == 2);
    const QJsonObject result = done.value(QStringLiteral("result")).toObject();
    CHECK(result.value(QStringLiteral("imported")).toInt() == 10000 - csv.bad);
    CHECK(result.value(QStringLiteral("rejected")).toInt() == csv.bad);
    CHECK(leadsOnServer(server.url(), token) == 10000 - csv.bad);

    const auto agent = setup.run({QStringLiteral("task"), QStringLiteral("show"), agentTask.out});
    CHECK(agent.json().value(QStringLiteral("status")) == QStringLiteral("failed"));
    CHECK(agent.json().value(QStringLiteral("error")) ==
          QStringLiteral("Interrupted by a server restart"));
}

TEST_CASE("crm-cli task: start --wait, list, report, output, and a shell agent hearing its "
          "cancel",
          "[tasks][cli]")
{
    ServerWithLeads setup(200);
    const test::LeadCsv& csv = setup.csv;
    auto run = [&](const QStringList& args) { return setup.run(args); };
    const auto imported =
        run({QStringLiteral("task"), QStringLiteral("start"), QStringLiteral("csv_import"),
             QStringLiteral("--module"), QStringLiteral("leads"), QStringLiteral("--file"),
             setup.csvPath, QStringLiteral("--wait")});
    CHECK(imported.exitCode == 0);
    CHECK(imported.out.contains(QStringLiteral("completed")));
    CHECK(imported.err.contains(QStringLiteral("per second")));
    const QString importId = imported.out.section(u' ', 0, 0);
    const auto report = run(
        {QStringLiteral("task"), QStringLiteral("output"), importId, QStringLiteral("--report")});
    CHECK(report.exitCode == 0);
    CHECK(report.out.count(u'\n') == csv.bad); // header + one line per rejected row

    const auto bad = run({QStringLiteral("task"), QStringLiteral("start"),
                          QStringLiteral("csv_import"), QStringLiteral("--module"),
                          QStringLiteral("nowhere"), QStringLiteral("--file"), setup.csvPath});
    CHECK(bad.exitCode == 6);
    CHECK(bad.err.contains(QStringLiteral("no module 'nowhere'")));
    CHECK(run({QStringLiteral("task"), QStringLiteral("start"), QStringLiteral("csv_import"),
               QStringLiteral("--file"), setup.files.filePath(QStringLiteral("missing.csv"))})
              .exitCode == 1);

    // A shell agent: registers, reports, learns of the cancel from its report's exit status.
    const QString agentId =
        run({QStringLiteral("task"), QStringLiteral("start"), QStringLiteral("agent"),
             QStringLiteral("--title"), QStringLiteral("Nightly cleanup")})
            .out;
    auto reportStep = [&](const QStringList& extra) {
        return run(QStringList{QStringLiteral("task"), QStringLiteral("report"), agentId} + extra);
    };
    CHECK(
        reportStep({QStringLiteral("--step"), QStringLiteral("Scanning"), QStringLiteral("--done"),
                    QStringLiteral("1"), QStringLiteral("--total"), QStringLiteral("4")})
            .exitCode == 0);
    CHECK(reportStep({QStringLiteral("--result"), QStringLiteral("[1]")}).exitCode == 1);
    CHECK(run({QStringLiteral("task"), QStringLiteral("cancel"), agentId}).exitCode == 0);
    CHECK(reportStep({QStringLiteral("--done"), QStringLiteral("2")}).exitCode == 4);
    CHECK(reportStep({QStringLiteral("--status"), QStringLiteral("cancelled")}).exitCode == 0);
    const auto list =
        run({QStringLiteral("task"), QStringLiteral("list"), QStringLiteral("--json")});
    CHECK(list.exitCode == 0);
    CHECK(list.out.split(u'\n').size() == 2);
    CHECK(list.out.contains(QStringLiteral("\"status\":\"cancelled\"")));
    CHECK(run({QStringLiteral("task"), QStringLiteral("retry"), agentId}).exitCode == 6);
}
