// crm-server backup / restore as an operator runs them: a copy taken while agents keep writing,
// restored into an empty folder, served again with the same records and the same tokens.
#include "realtime/restclient.h"
#include "server/storage/backup.h"
#include "support/eventloop.h"
#include "support/restcall.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

struct Command
{
    int status = -1;
    QString out;
    QString err;
};

Command crmServer(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(CRM_SERVER_PATH), arguments);
    REQUIRE(process.waitForStarted());
    REQUIRE(waitUntil([&] { return process.state() == QProcess::NotRunning; }, 120s));
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

// Every record row of a crm.sqlite, keyed by module/id, as text to compare.
QHash<QString, QString> recordsIn(const QString& file)
{
    QHash<QString, QString> rows;
    const QString name = QUuid::createUuid().toString();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        REQUIRE(db.open());
        QSqlQuery query(db);
        REQUIRE(query.exec(QStringLiteral(
            "SELECT module, id, version, data, field_versions, deleted FROM records")));
        while (query.next())
            rows.insert(query.value(0).toString() + u'/' + query.value(1).toString(),
                        query.value(2).toString() + u' ' + query.value(3).toString() + u' ' +
                            query.value(4).toString() + u' ' + query.value(5).toString());
    }
    QSqlDatabase::removeDatabase(name);
    return rows;
}

} // namespace

TEST_CASE("Backup while agents write, restore into an empty folder, serve it again: the same "
          "records and the same sign-ins",
          "[server][backup]")
{
    QTemporaryDir dir;
    const QString live = dir.filePath(QStringLiteral("live"));
    test::ServerProcess server(live);
    const auto token = server.addUserWithToken(QStringLiteral("ana@harbor.test"));
    REQUIRE(token);
    REQUIRE(server.start());

    // An agent creates leads as fast as the server takes them, before and during the backup.
    RestClient rest;
    rest.setBaseUrl(server.url());
    rest.setBearerToken(*token);
    int created = 0;
    int failed = 0;
    bool writing = true;
    bool inFlight = false;
    std::function<void()> createOne = [&] {
        inFlight = true;
        rest.post(
            QStringLiteral("/api/records/leads"),
            QJsonObject{
                {QStringLiteral("fields"),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("Lead %1").arg(created)}}}},
            [&](const RestReply& reply) {
                inFlight = false;
                reply.httpStatus == 201 ? ++created : ++failed;
                if (writing)
                    createOne();
            },
            {QUuid::createUuid().toString(QUuid::WithoutBraces) + QStringLiteral(":1"), {}, {}});
    };
    createOne();
    REQUIRE(waitUntil([&] { return created >= 20; }, 60s));

    const QString file = dir.filePath(QStringLiteral("monday.crm-backup"));
    QProcess backup;
    backup.start(QStringLiteral(CRM_SERVER_PATH),
                 {QStringLiteral("--data"), live, QStringLiteral("backup"), file});
    REQUIRE(waitUntil([&] { return backup.state() == QProcess::NotRunning; }, 120s));
    const int createdDuringBackup = created;
    INFO(backup.readAllStandardError().toStdString());
    REQUIRE(backup.exitCode() == 0);
    CHECK(backup.readAllStandardOutput().contains("backed up"));
    CHECK((QFile::permissions(file) & (QFileDevice::ReadGroup | QFileDevice::ReadOther)) == 0);
    // The writes went on while the copy was made.
    REQUIRE(waitUntil([&] { return created > createdDuringBackup + 5; }, 60s));
    writing = false;
    REQUIRE(waitUntil([&] { return !inFlight; }));
    CHECK(failed == 0);

    const QString restoredDir = dir.filePath(QStringLiteral("restored"));
    const auto restored =
        crmServer({QStringLiteral("--data"), restoredDir, QStringLiteral("restore"), file});
    INFO(restored.err.toStdString());
    REQUIRE(restored.status == 0);
    CHECK(restored.out.contains(QStringLiteral("restored")));

    // Every record the backup has is exactly as it was written; those made after it are not
    // there, and nothing is in the copy that was never written.
    const auto original = recordsIn(live + QStringLiteral("/crm.sqlite"));
    const auto copy = recordsIn(restoredDir + QStringLiteral("/crm.sqlite"));
    CHECK(copy.size() >= 20);
    CHECK(copy.size() < original.size());
    for (auto it = copy.cbegin(); it != copy.cend(); ++it) {
        INFO(it.key().toStdString());
        CHECK(original.value(it.key()) == it.value());
    }

    // Served again: the token issued before the backup is still good (the secret came along).
    test::ServerProcess again(restoredDir);
    REQUIRE(again.start());
    const auto me = test::restCall(again.url(), *token, "GET", QStringLiteral("/api/me"));
    CHECK(me.httpStatus == 200);
    const auto leads =
        test::restCall(again.url(), *token, "GET", QStringLiteral("/api/records/leads"));
    CHECK(leads.body.toObject().value(QStringLiteral("total")).toInt() == copy.size());
}

TEST_CASE("Backup and restore refuse to overwrite anything, and refuse what is not a backup",
          "[server][backup]")
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    test::ServerProcess server(data);
    REQUIRE(server.addUserWithToken(QStringLiteral("ana@harbor.test")));
    const QString file = dir.filePath(QStringLiteral("b.crm-backup"));
    REQUIRE(crmServer({QStringLiteral("--data"), data, QStringLiteral("backup"), file}).status ==
            0);

    auto again = crmServer({QStringLiteral("--data"), data, QStringLiteral("backup"), file});
    CHECK(again.status != 0);
    CHECK(again.err.contains(QStringLiteral("exists already")));

    auto intoLive = crmServer({QStringLiteral("--data"), data, QStringLiteral("restore"), file});
    CHECK(intoLive.status != 0);
    CHECK(intoLive.err.contains(QStringLiteral("holds a brokerage already")));

    // A backup damaged in the middle (a bad disk, a truncated copy).
    QFile damaged(file);
    REQUIRE(damaged.open(QIODevice::ReadWrite));
    damaged.seek(damaged.size() / 2);
    damaged.write(QByteArray(4096, '\xff'));
    damaged.close();
    auto broken = crmServer({QStringLiteral("--data"), dir.filePath(QStringLiteral("empty")),
                             QStringLiteral("restore"), file});
    CHECK(broken.status != 0);
    CHECK_FALSE(QFile::exists(dir.filePath(QStringLiteral("empty/crm.sqlite"))));

    // Not a backup at all: any SQLite file without crm-server's marks.
    auto foreign = crmServer({QStringLiteral("--data"), dir.filePath(QStringLiteral("empty2")),
                              QStringLiteral("restore"), data + QStringLiteral("/crm.sqlite")});
    CHECK(foreign.status != 0);
    CHECK(foreign.err.contains(QStringLiteral("not a crm-server backup")));
}
