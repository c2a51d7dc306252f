// crm-cli and crm-server as real processes.
#include "support/eventloop.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace std::chrono_literals;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QString& program, const QStringList& args)
{
    QProcess process;
    process.start(program, args);
    REQUIRE(process.waitForStarted());
    REQUIRE(crm::test::waitUntil([&] { return process.state() == QProcess::NotRunning; }, 30s));
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

// A real crm-server process with its own data folder, one user, and an access token for them.
struct ServerProcess
{
    ServerProcess()
    {
        REQUIRE(dataDir.isValid());
        const auto issued = server.addUserWithToken(QStringLiteral("cli@harbor.test"));
        REQUIRE(issued);
        token = *issued;
        REQUIRE(server.start());
        url = server.url().toString();
    }

    QTemporaryDir dataDir;
    crm::test::ServerProcess server{dataDir.path()};
    QString url;
    QString token;
};

} // namespace

TEST_CASE("crm-cli ping reports round trips against crm-server", "[cli]")
{
    ServerProcess server;
    const auto result = run(QStringLiteral(CRM_CLI_PATH),
                            {QStringLiteral("ping"), QStringLiteral("--server"), server.url,
                             QStringLiteral("--token"), server.token, QStringLiteral("--count"),
                             QStringLiteral("25"), QStringLiteral("--json")});
    INFO(result.err.toStdString());
    REQUIRE(result.exitCode == 0);
    const auto json = QJsonDocument::fromJson(result.out).object();
    CHECK(json.value(QStringLiteral("ok")).toBool());
    CHECK(json.value(QStringLiteral("acks")).toInt() == 25);
    CHECK(json.value(QStringLiteral("p50Ms")).toInt() >= 0);
}

TEST_CASE("crm-cli ping tells refused credentials apart from an unreachable server", "[cli]")
{
    ServerProcess server;
    auto result = run(QStringLiteral(CRM_CLI_PATH),
                      {QStringLiteral("ping"), QStringLiteral("--server"), server.url,
                       QStringLiteral("--token"), QStringLiteral("stale")});
    CHECK(result.exitCode == 2);
    CHECK(result.err.contains("invalid token"));

    quint16 closedPort = 0;
    {
        QTcpServer probe;
        REQUIRE(probe.listen(QHostAddress::LocalHost));
        closedPort = probe.serverPort();
    }
    result =
        run(QStringLiteral(CRM_CLI_PATH), {QStringLiteral("ping"), QStringLiteral("--server"),
                                           QStringLiteral("http://127.0.0.1:%1").arg(closedPort),
                                           QStringLiteral("--timeout"), QStringLiteral("3")});
    CHECK(result.exitCode == 3);
    CHECK(result.err.contains("Cannot reach the server"));
}

TEST_CASE("crm-cli rejects an unknown command with usage status", "[cli]")
{
    const auto result = run(QStringLiteral(CRM_CLI_PATH), {QStringLiteral("frobnicate")});
    CHECK(result.exitCode == 1);
}

TEST_CASE("crm-server answers health and refuses a taken port", "[cli][server]")
{
    ServerProcess server;
    CHECK(server.url.startsWith(QStringLiteral("http://127.0.0.1:")));
    const QString port = server.url.section(u':', -1);
    QTemporaryDir other;
    const auto second =
        run(QStringLiteral(CRM_SERVER_PATH),
            {QStringLiteral("--data"), other.path(), QStringLiteral("--port"), port});
    CHECK(second.exitCode == 69); // unavailable: the port is taken (crm-server --help)
    CHECK(second.err.contains("cannot listen"));
}

TEST_CASE("crm-server user commands refuse bad input with a clear message", "[cli][server]")
{
    QTemporaryDir dir;
    const QStringList data{QStringLiteral("--data"), dir.path()};
    auto result = run(QStringLiteral(CRM_SERVER_PATH),
                      data + QStringList{QStringLiteral("user"), QStringLiteral("add"),
                                         QStringLiteral("x@harbor.test"), QStringLiteral("--role"),
                                         QStringLiteral("emperor")});
    CHECK(result.exitCode == 1);
    CHECK(result.err.contains("role must be"));
    result = run(QStringLiteral(CRM_SERVER_PATH),
                 data + QStringList{QStringLiteral("token"), QStringLiteral("issue"),
                                    QStringLiteral("nobody@harbor.test")});
    CHECK(result.exitCode == 1);
    result = run(QStringLiteral(CRM_SERVER_PATH), data + QStringList{QStringLiteral("frobnicate")});
    CHECK(result.exitCode == 64); // usage
    CHECK(result.err.contains("unknown command 'frobnicate'"));
}

TEST_CASE("crm-server user set moves a person to another team or role, refusing unknown ones",
          "[cli][server]")
{
    QTemporaryDir dir;
    crm::test::ServerProcess server{dir.path()};
    REQUIRE(server.addUserWithToken(QStringLiteral("ana@harbor.test"), QStringLiteral("North")));
    REQUIRE(server.addUserWithToken(QStringLiteral("ben@harbor.test"), QStringLiteral("South")));
    auto listed = [&] { return server.admin({QStringLiteral("user"), QStringLiteral("list")}); };
    REQUIRE(server.admin({QStringLiteral("user"), QStringLiteral("set"),
                          QStringLiteral("ana@harbor.test"), QStringLiteral("--team"),
                          QStringLiteral("South"), QStringLiteral("--role"),
                          QStringLiteral("team-lead")}));
    CHECK(listed()->contains(QStringLiteral("team-lead")));
    const QStringList data{QStringLiteral("--data"), dir.path()};
    const QStringList setAna{QStringLiteral("user"), QStringLiteral("set"),
                             QStringLiteral("ana@harbor.test")};
    auto result =
        run(QStringLiteral(CRM_SERVER_PATH),
            data + setAna + QStringList{QStringLiteral("--team"), QStringLiteral("Mars")});
    CHECK(result.exitCode == 1);
    CHECK(result.err.contains("No team 'Mars'"));
    result = run(QStringLiteral(CRM_SERVER_PATH),
                 data + setAna + QStringList{QStringLiteral("--role"), QStringLiteral("king")});
    CHECK(result.exitCode == 1);
    CHECK(result.err.contains("role must be"));
    CHECK(listed()->contains(QStringLiteral("team-lead"))); // nothing moved
}

TEST_CASE("crm-cli record commands: outbox first, then the server, exit codes tell the outcome",
          "[cli][records]")
{
    ServerProcess server;
    QTemporaryDir profile;
    auto cli = [&](QStringList args) {
        args << QStringLiteral("--server") << server.url << QStringLiteral("--token")
             << server.token << QStringLiteral("--profile") << profile.path();
        return run(QStringLiteral(CRM_CLI_PATH), args);
    };
    auto created =
        cli({QStringLiteral("create"), QStringLiteral("leads"), QStringLiteral("name=Jo Park"),
             QStringLiteral("score=40"), QStringLiteral("status=new")});
    INFO(created.err.toStdString());
    REQUIRE(created.exitCode == 0);
    const QString id = QString::fromUtf8(created.out.trimmed());
    CHECK(id.size() == 36);

    auto got = cli({QStringLiteral("get"), QStringLiteral("leads"), id});
    REQUIRE(got.exitCode == 0);
    auto record = QJsonDocument::fromJson(got.out).object();
    CHECK(record.value(QStringLiteral("version")).toInt() == 1);
    CHECK(
        record.value(QStringLiteral("fields")).toObject().value(QStringLiteral("score")).toInt() ==
        40);

    CHECK(cli({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("score=77")})
              .exitCode == 0);
    auto listed = cli({QStringLiteral("list"), QStringLiteral("leads"), QStringLiteral("--where"),
                       QStringLiteral("score=77")});
    REQUIRE(listed.exitCode == 0);
    CHECK(listed.out.count('\n') == 1);

    // Offline: queued and durable, visible in `pending`, sent by the next `sync`.
    CHECK(cli({QStringLiteral("create"), QStringLiteral("leads"),
               QStringLiteral("name=Offline Lead"), QStringLiteral("--offline")})
              .exitCode == 0);
    auto pending = cli({QStringLiteral("pending"), QStringLiteral("--offline")});
    CHECK(pending.out.count('\n') == 1);
    CHECK(pending.out.contains("Offline Lead"));
    auto synced = cli({QStringLiteral("sync"), QStringLiteral("--json")});
    CHECK(synced.exitCode == 0);
    const auto summary = QJsonDocument::fromJson(synced.out).object();
    CHECK(summary.value(QStringLiteral("pending")).toInt() == 0);
    CHECK(summary.value(QStringLiteral("seq")).toInt() == 3);

    // A value the server refuses: the edit is kept as a failure and the exit status says so
    // (6: this edit was refused; the reason is on stderr).
    const auto bogus =
        cli({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("status=bogus")});
    CHECK(bogus.exitCode == 6);
    CHECK(bogus.err.contains("not_in_enum"));
    // That refusal belongs to that edit only: the next good edit exits 0 although a refused one
    // still waits in the profile.
    CHECK(cli({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("score=78")})
              .exitCode == 0);
    CHECK(cli({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("noSuchField=1")})
              .exitCode == 1);

    // The refused edit is listed with the server's reason; `retry` sends it corrected.
    auto refused = cli({QStringLiteral("pending"), QStringLiteral("--offline")});
    const auto failedLine = QJsonDocument::fromJson(refused.out.trimmed()).object();
    CHECK(failedLine.value(QStringLiteral("failed")).toObject().value(QStringLiteral("code")) ==
          QStringLiteral("not_in_enum"));
    const QString failedId =
        QString::number(failedLine.value(QStringLiteral("mutationId")).toInteger());
    CHECK(cli({QStringLiteral("retry"), failedId, QStringLiteral("status=qualified")}).exitCode ==
          0);
    got = cli({QStringLiteral("get"), QStringLiteral("leads"), id});
    CHECK(QJsonDocument::fromJson(got.out)
              .object()
              .value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("status")) == QStringLiteral("qualified"));
    CHECK(cli({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("status=nope")})
              .exitCode == 6);
    const auto second =
        QJsonDocument::fromJson(
            cli({QStringLiteral("pending"), QStringLiteral("--offline")}).out.trimmed())
            .object();
    CHECK(cli({QStringLiteral("discard"),
               QString::number(second.value(QStringLiteral("mutationId")).toInteger())})
              .exitCode == 0);
    CHECK(cli({QStringLiteral("pending"), QStringLiteral("--offline")}).out.isEmpty());
    CHECK(cli({QStringLiteral("discard"), QStringLiteral("999999")}).exitCode == 1);
    CHECK(cli({QStringLiteral("resolve"), QStringLiteral("999999"), QStringLiteral("--mine")})
              .exitCode == 1);
    CHECK(cli({QStringLiteral("list"), QStringLiteral("yachts")}).exitCode == 1);
    CHECK(cli({QStringLiteral("dump"), QStringLiteral("leads"), QStringLiteral("--offline")})
              .out.count('\n') == 2);
}

TEST_CASE("crm-cli watch prints live events as JSON lines and stops cleanly on SIGTERM", "[cli]")
{
    ServerProcess server;
    QTemporaryDir profiles;
    QProcess watch;
    watch.start(QStringLiteral(CRM_CLI_PATH),
                {QStringLiteral("watch"), QStringLiteral("--server"), server.url,
                 QStringLiteral("--token"), server.token, QStringLiteral("--profile"),
                 profiles.filePath(QStringLiteral("watcher"))});
    REQUIRE(watch.waitForStarted());
    QByteArray out;
    REQUIRE(crm::test::waitUntil([&] {
        out += watch.readAllStandardOutput();
        return out.contains(R"("event":"sync:caught-up")");
    }));
    const auto created = run(
        QStringLiteral(CRM_CLI_PATH),
        {QStringLiteral("create"), QStringLiteral("tasks"), QStringLiteral("title=Call the lender"),
         QStringLiteral("--server"), server.url, QStringLiteral("--token"), server.token,
         QStringLiteral("--profile"), profiles.filePath(QStringLiteral("editor"))});
    REQUIRE(created.exitCode == 0);
    REQUIRE(crm::test::waitUntil([&] {
        out += watch.readAllStandardOutput();
        return out.contains("Call the lender");
    }));
    for (const QByteArray& line : out.trimmed().split('\n'))
        CHECK(QJsonDocument::fromJson(line).isObject()); // every line is one JSON object
    watch.terminate();
    REQUIRE(crm::test::waitUntil([&] { return watch.state() == QProcess::NotRunning; }));
    CHECK(watch.exitStatus() == QProcess::NormalExit);
    CHECK(watch.exitCode() == 0);
}

TEST_CASE("crm-cli raw speaks plain Socket.IO to crm-server", "[cli]")
{
    ServerProcess server;
    const auto acked =
        run(QStringLiteral(CRM_CLI_PATH),
            {QStringLiteral("raw"), QStringLiteral("--server"), server.url,
             QStringLiteral("--auth"), QStringLiteral(R"({"token":"%1"})").arg(server.token),
             QStringLiteral("--emit"), QStringLiteral("echo"), QStringLiteral(R"("hello")")});
    INFO(acked.out.toStdString());
    CHECK(acked.exitCode == 0);
    CHECK(acked.out.contains(R"({"ack":["hello"]})"));
    const auto closed =
        run(QStringLiteral(CRM_CLI_PATH), {QStringLiteral("raw"), QStringLiteral("--server"),
                                           QStringLiteral("http://127.0.0.1:9"),
                                           QStringLiteral("--timeout"), QStringLiteral("3")});
    CHECK(closed.exitCode == 3);
}

TEST_CASE("crm-cli set on a record the profile never saw fetches it first", "[cli]")
{
    ServerProcess server;
    QTemporaryDir profiles;
    auto cli = [&](const QString& profile, const QStringList& args) {
        return run(QStringLiteral(CRM_CLI_PATH),
                   args + QStringList{QStringLiteral("--server"), server.url,
                                      QStringLiteral("--token"), server.token,
                                      QStringLiteral("--profile"), profiles.filePath(profile)});
    };
    const auto created =
        cli(QStringLiteral("a"), {QStringLiteral("create"), QStringLiteral("tasks"),
                                  QStringLiteral("title=Book the inspector")});
    REQUIRE(created.exitCode == 0);
    const QString id = QString::fromUtf8(created.out.trimmed());
    // A fresh profile, offline: it cannot know the record, and says so.
    auto result =
        cli(QStringLiteral("b"), {QStringLiteral("set"), QStringLiteral("tasks"), id,
                                  QStringLiteral("status=done"), QStringLiteral("--offline")});
    CHECK(result.exitCode == 1);
    CHECK(result.err.contains("not in the local copy"));
    // Online: fetched, edited on the right version, applied.
    result = cli(QStringLiteral("b"), {QStringLiteral("set"), QStringLiteral("tasks"), id,
                                       QStringLiteral("status=done")});
    INFO(result.err.toStdString());
    CHECK(result.exitCode == 0);
    result = cli(QStringLiteral("a"), {QStringLiteral("get"), QStringLiteral("tasks"), id});
    CHECK(QJsonDocument::fromJson(result.out)
              .object()
              .value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("status")) == QStringLiteral("done"));
    CHECK(cli(QStringLiteral("b"), {QStringLiteral("set"), QStringLiteral("tasks"),
                                    QStringLiteral("no-such-id"), QStringLiteral("status=done")})
              .exitCode == 1);
}

TEST_CASE("crm-cli: the exit status is about this command's own edit, and dump and get show "
          "queued edits apart from the confirmed copy",
          "[cli][records][conflicts]")
{
    ServerProcess server;
    const auto teammateToken = server.server.addUserWithToken(QStringLiteral("sam@harbor.test"));
    REQUIRE(teammateToken);
    QTemporaryDir alexProfile;
    QTemporaryDir samProfile;
    auto as = [&](const QString& token, const QTemporaryDir& profile, QStringList args) {
        args << QStringLiteral("--server") << server.url << QStringLiteral("--token") << token
             << QStringLiteral("--profile") << profile.path();
        return run(QStringLiteral(CRM_CLI_PATH), args);
    };
    auto alex = [&](QStringList args) { return as(server.token, alexProfile, args); };
    auto sam = [&](QStringList args) { return as(*teammateToken, samProfile, args); };

    const auto created = alex({QStringLiteral("create"), QStringLiteral("leads"),
                               QStringLiteral("name=Jo"), QStringLiteral("budgetMax=500000")});
    REQUIRE(created.exitCode == 0);
    const QString id = QString::fromUtf8(created.out.trimmed());
    const QString other = QString::fromUtf8(
        alex({QStringLiteral("create"), QStringLiteral("leads"), QStringLiteral("name=Kim")})
            .out.trimmed());
    REQUIRE(sam({QStringLiteral("get"), QStringLiteral("leads"), id}).exitCode == 0);

    // Alex, offline, queues two edits of the lead; dump and get show them beside version 1.
    REQUIRE(alex({QStringLiteral("set"), QStringLiteral("leads"), id,
                  QStringLiteral("budgetMax=650000"), QStringLiteral("--offline")})
                .exitCode == 0);
    REQUIRE(alex({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("name=Joanna"),
                  QStringLiteral("--offline")})
                .exitCode == 0);
    const auto offlineCopy =
        QJsonDocument::fromJson(
            alex({QStringLiteral("get"), QStringLiteral("leads"), id, QStringLiteral("--offline")})
                .out)
            .object();
    CHECK(offlineCopy.value(QStringLiteral("version")).toInt() == 1);
    CHECK(offlineCopy.value(QStringLiteral("fields")).toObject().value(QStringLiteral("name")) ==
          QStringLiteral("Jo"));
    const auto pending = offlineCopy.value(QStringLiteral("pending")).toArray();
    REQUIRE(pending.size() == 2);
    CHECK(pending[1]
              .toObject()
              .value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("name")) == QStringLiteral("Joanna"));
    REQUIRE(alex({QStringLiteral("create"), QStringLiteral("leads"), QStringLiteral("name=Queued"),
                  QStringLiteral("--offline")})
                .exitCode == 0);
    const auto dumped =
        alex({QStringLiteral("dump"), QStringLiteral("leads"), QStringLiteral("--offline")}).out;
    CHECK(dumped.count('\n') == 3); // two confirmed, one that exists only in the outbox
    CHECK(dumped.contains("\"version\":0"));

    // Sam renames it meanwhile. Alex's sync applies the budget and holds the name back.
    REQUIRE(
        sam({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("name=Jo Park")})
            .exitCode == 0);
    const auto synced = alex({QStringLiteral("sync")});
    CHECK(synced.exitCode == 4); // `sync` speaks of everything that waits
    const auto after =
        QJsonDocument::fromJson(alex({QStringLiteral("get"), QStringLiteral("leads"), id}).out)
            .object();
    CHECK(after.value(QStringLiteral("fields")).toObject().value(QStringLiteral("name")) ==
          QStringLiteral("Jo Park"));
    CHECK(after.value(QStringLiteral("fields")).toObject().value(QStringLiteral("budgetMax")) ==
          650000);
    CHECK_FALSE(after.contains(QStringLiteral("pending")));

    // An edit of another record exits 0 although that conflict is still open; an edit that
    // conflicts itself exits 4 and names its conflict.
    CHECK(alex({QStringLiteral("set"), QStringLiteral("leads"), other, QStringLiteral("score=5")})
              .exitCode == 0);
    REQUIRE(sam({QStringLiteral("set"), QStringLiteral("leads"), other, QStringLiteral("score=9")})
                .exitCode == 0);
    REQUIRE(alex({QStringLiteral("set"), QStringLiteral("leads"), other, QStringLiteral("score=6"),
                  QStringLiteral("--offline")})
                .exitCode == 0);
    // (made on the copy Alex had, before Sam's 9 reached it)
    const auto mine = alex({QStringLiteral("sync")});
    CHECK(mine.exitCode == 4);
    const auto conflicts = alex({QStringLiteral("conflicts")}).out;
    CHECK(conflicts.count('\n') == 2);

    // Online, `set` and `delete` act on the newest version (the copy catches up first): Sam's
    // edit of a record Alex changed since Sam last looked applies.
    CHECK(sam({QStringLiteral("set"), QStringLiteral("leads"), other, QStringLiteral("score=10")})
              .exitCode == 0);

    // A stale delete: made offline on Alex's copy, then Sam changes the lead. It comes back as a
    // "changed" conflict naming Sam; resolve --theirs keeps the lead.
    REQUIRE(
        alex({QStringLiteral("delete"), QStringLiteral("leads"), id, QStringLiteral("--offline")})
            .exitCode == 0);
    REQUIRE(sam({QStringLiteral("set"), QStringLiteral("leads"), id, QStringLiteral("score=50")})
                .exitCode == 0);
    const auto staleDelete = alex({QStringLiteral("sync")});
    CHECK(staleDelete.exitCode == 4);
    qint64 changedId = 0;
    for (const auto& line : alex({QStringLiteral("conflicts")}).out.split('\n')) {
        const auto conflict = QJsonDocument::fromJson(line).object();
        if (conflict.value(QStringLiteral("kind")) == QStringLiteral("changed")) {
            changedId = conflict.value(QStringLiteral("conflictId")).toInteger();
            CHECK(conflict.value(QStringLiteral("detail"))
                      .toObject()
                      .value(QStringLiteral("by"))
                      .toObject()
                      .value(QStringLiteral("name")) == QStringLiteral("sam@harbor.test"));
        }
    }
    REQUIRE(changedId > 0);
    CHECK(alex({QStringLiteral("resolve"), QString::number(changedId), QStringLiteral("--theirs")})
              .exitCode == 0);
    const auto kept =
        QJsonDocument::fromJson(alex({QStringLiteral("get"), QStringLiteral("leads"), id}).out)
            .object();
    CHECK(kept.value(QStringLiteral("fields")).toObject().value(QStringLiteral("score")) == 50);
}

TEST_CASE("crm-desktop --help and --version answer without a display", "[cli][desktop]")
{
    for (const char* option : {"--help", "--version"}) {
        QProcess process;
        auto env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(CRM_DESKTOP_PATH), {QString::fromLatin1(option)});
        REQUIRE(process.waitForStarted());
        REQUIRE(crm::test::waitUntil([&] { return process.state() == QProcess::NotRunning; }, 30s));
        INFO(option << ": " << process.readAllStandardError().toStdString());
        CHECK(process.exitStatus() == QProcess::NormalExit);
        CHECK(process.exitCode() == 0);
        CHECK_FALSE(process.readAllStandardOutput().isEmpty());
    }
}

TEST_CASE("crm-cli link prints a record's crm:// link and refuses what is not one", "[cli][link]")
{
    const QString id = QStringLiteral("0dbd9cb8-3c18-45cb-a630-ee95ba155729");
    const auto made =
        run(QStringLiteral(CRM_CLI_PATH), {QStringLiteral("link"), QStringLiteral("escrows"), id});
    CHECK(made.exitCode == 0);
    CHECK(made.out.trimmed() == QStringLiteral("crm://record/escrows/%1").arg(id).toUtf8());

    const auto unknown =
        run(QStringLiteral(CRM_CLI_PATH), {QStringLiteral("link"), QStringLiteral("houses"), id});
    CHECK(unknown.exitCode == 1);
    CHECK(unknown.out.isEmpty());
    CHECK(unknown.err.contains("no module \"houses\""));

    const auto missing =
        run(QStringLiteral(CRM_CLI_PATH), {QStringLiteral("link"), QStringLiteral("escrows")});
    CHECK(missing.exitCode == 1);
    CHECK(missing.err.contains("usage: crm-cli link MODULE ID"));
}

TEST_CASE("Every program's --version names the release and the revision it was built from", "[cli]")
{
    for (const QString& program : {QStringLiteral(CRM_CLI_PATH), QStringLiteral(CRM_DESKTOP_PATH),
                                   QStringLiteral(CRM_SERVER_PATH)}) {
        const auto version = run(program, {QStringLiteral("--version")});
        INFO(program.toStdString() << ": " << version.out.toStdString());
        CHECK(version.exitCode == 0);
        // "crm-cli 0.1.0 (v0.1.0-3-gabc1234)" or "(abc1234)" or "(unknown)" outside git.
        CHECK(QString::fromUtf8(version.out)
                  .contains(
                      QRegularExpression(QStringLiteral("^crm-\\w+ \\d+\\.\\d+\\.\\d+ \\(.+\\)"))));
    }
}

TEST_CASE("crm-cli --ca trusts the brokerage's own certificate authority, and without it the TLS "
          "server is refused",
          "[cli][tls]")
{
    QTemporaryDir pki;
    QProcess script;
    script.start(QStringLiteral("bash"), {QStringLiteral(CRM_TEST_PKI_SCRIPT), pki.path()});
    REQUIRE((script.waitForFinished(60000) && script.exitCode() == 0));
    QTemporaryDir data;
    crm::test::ServerProcess server(data.path());
    const auto token = server.addUserWithToken(QStringLiteral("cli@harbor.test"));
    REQUIRE(token);
    REQUIRE(server.start(
        {QStringLiteral("--tls-cert"), pki.filePath(QStringLiteral("server-fullchain.pem")),
         QStringLiteral("--tls-key"), pki.filePath(QStringLiteral("server.key"))}));
    const QString url = QStringLiteral("https://127.0.0.1:%1").arg(server.port());
    const QStringList ping{QStringLiteral("ping"),
                           QStringLiteral("--server"),
                           url,
                           QStringLiteral("--token"),
                           *token,
                           QStringLiteral("--count"),
                           QStringLiteral("2"),
                           QStringLiteral("--timeout"),
                           QStringLiteral("5")};

    const auto trusted =
        run(QStringLiteral(CRM_CLI_PATH),
            ping + QStringList{QStringLiteral("--ca"), pki.filePath(QStringLiteral("root.pem"))});
    INFO(trusted.err.toStdString());
    CHECK(trusted.exitCode == 0);

    const auto untrusted = run(QStringLiteral(CRM_CLI_PATH), ping);
    CHECK(untrusted.exitCode == 3);

    const auto missing =
        run(QStringLiteral(CRM_CLI_PATH),
            ping + QStringList{QStringLiteral("--ca"), pki.filePath(QStringLiteral("nope.pem"))});
    CHECK(missing.exitCode == 1);
    CHECK(missing.err.contains("--ca: cannot read"));
}

TEST_CASE("crm-cli warns before talking plain http to another machine", "[cli]")
{
    const auto plain = run(QStringLiteral(CRM_CLI_PATH),
                           {QStringLiteral("ping"), QStringLiteral("--server"),
                            QStringLiteral("http://crm.invalid:8787"), QStringLiteral("--token"),
                            QStringLiteral("t"), QStringLiteral("--timeout"), QStringLiteral("1")});
    CHECK(plain.err.contains("warning: http://crm.invalid:8787 is not encrypted"));
    const auto local = run(QStringLiteral(CRM_CLI_PATH),
                           {QStringLiteral("ping"), QStringLiteral("--server"),
                            QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--token"),
                            QStringLiteral("t"), QStringLiteral("--timeout"), QStringLiteral("1")});
    CHECK_FALSE(local.err.contains("not encrypted"));
}

TEST_CASE("crm-cli note: get, append a line and edit in $EDITOR, merged with what others typed",
          "[cli][notes]")
{
    ServerProcess server;
    QTemporaryDir profile;
    auto cli = [&](QStringList args, const QString& editor = {}) {
        // Options first: after "--" everything is the command's text.
        args = QStringList{QStringLiteral("--server"),  server.url,
                           QStringLiteral("--token"),   server.token,
                           QStringLiteral("--profile"), profile.path()} +
               args;
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("VISUAL"));
        env.insert(QStringLiteral("EDITOR"), editor.isEmpty() ? QStringLiteral("false") : editor);
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(CRM_CLI_PATH), args);
        REQUIRE(process.waitForStarted());
        REQUIRE(crm::test::waitUntil([&] { return process.state() == QProcess::NotRunning; }, 30s));
        return Run{process.exitCode(), process.readAllStandardOutput(),
                   process.readAllStandardError()};
    };
    auto created = cli(
        {QStringLiteral("create"), QStringLiteral("escrows"), QStringLiteral("number=ESC-NOTE")});
    INFO(created.err.toStdString());
    REQUIRE(created.exitCode == 0);
    const QString id = QString::fromUtf8(created.out).trimmed();
    const QString escrows = QStringLiteral("escrows");

    CHECK(cli({QStringLiteral("note"), QStringLiteral("get"), escrows, id}).out.isEmpty());
    REQUIRE(cli({QStringLiteral("note"), QStringLiteral("append"), escrows, id,
                 QStringLiteral("Inspection Monday.")})
                .exitCode == 0);
    REQUIRE(cli({QStringLiteral("note"), QStringLiteral("append"), escrows, id,
                 QStringLiteral("Appraisal due Friday; émoji 😀 kept.")})
                .exitCode == 0);
    CHECK(
        QString::fromUtf8(cli({QStringLiteral("note"), QStringLiteral("get"), escrows, id}).out) ==
        QStringLiteral("Inspection Monday.\nAppraisal due Friday; émoji 😀 kept.\n"));

    // A line that starts with "-" comes after "--", or from stdin with "-".
    REQUIRE(cli({QStringLiteral("note"), QStringLiteral("append"), escrows, id,
                 QStringLiteral("--"), QStringLiteral("- roof ok")})
                .exitCode == 0);
    CHECK(QString::fromUtf8(cli({QStringLiteral("note"), QStringLiteral("get"), escrows, id}).out)
              .endsWith(QStringLiteral("kept.\n- roof ok\n")));
    // The editor changes the second line only: the first is left as it was.
    const Run edited = cli({QStringLiteral("note"), QStringLiteral("edit"), escrows, id},
                           QStringLiteral("sed -i 's/Friday/Thursday/'"));
    INFO(edited.err.toStdString());
    REQUIRE(edited.exitCode == 0);
    CHECK(
        QString::fromUtf8(cli({QStringLiteral("note"), QStringLiteral("get"), escrows, id}).out) ==
        QStringLiteral("Inspection Monday.\nAppraisal due Thursday; émoji 😀 kept.\n- roof ok\n"));
    // An editor that fails sends nothing; one that changes nothing says so.
    CHECK(cli({QStringLiteral("note"), QStringLiteral("edit"), escrows, id}).exitCode == 1);
    CHECK(cli({QStringLiteral("note"), QStringLiteral("edit"), escrows, id}, QStringLiteral("true"))
              .err.contains("no change"));
    // An editor that ends the file with a newline (vi does) changes nothing by that.
    REQUIRE(cli({QStringLiteral("note"), QStringLiteral("append"), escrows, id,
                 QStringLiteral("no newline")})
                .exitCode == 0);
    CHECK(cli({QStringLiteral("note"), QStringLiteral("edit"), escrows, id},
              QStringLiteral("sh -c 'echo >> \"$0\"'"))
              .err.contains("no change"));
    // Refusals: a module without notes, a record that does not exist, bad usage.
    CHECK(cli({QStringLiteral("note"), QStringLiteral("get"), QStringLiteral("tasks"), id})
              .exitCode == 6);
    CHECK(cli({QStringLiteral("note"), QStringLiteral("get"), escrows,
               QStringLiteral("00000000-0000-4000-8000-000000000000")})
              .exitCode == 6);
    CHECK(cli({QStringLiteral("note"), QStringLiteral("append"), escrows, id}).exitCode == 1);
}
