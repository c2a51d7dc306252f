// Secrets in the real OS keychain (gnome-keyring over D-Bus, started by with-keyring.sh), the
// owner-only file fallback, and AccountSession / crm-cli signing in against a real server.
#include "app/accountsession.h"
#include "app/credentialstore.h"
#include "app/sessionrenewer.h"
#include "realtime/restclient.h"
#include "support/serverfixture.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUuid>

using namespace crm;
using namespace std::chrono_literals;

namespace {

// A service name of its own per run: parallel runs never see each other's entries.
QString freshService()
{
    return QStringLiteral("crm-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString password()
{
    return QStringLiteral("long enough password");
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& args, const QByteArray& input = {},
           const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(CRM_CLI_PATH), args);
    REQUIRE(process.waitForStarted());
    process.write(input);
    process.closeWriteChannel();
    REQUIRE(test::waitUntil([&] { return process.state() == QProcess::NotRunning; }, 30s));
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace

TEST_CASE("CredentialStore keeps, splits and forgets secrets in the OS keychain", "[keychain]")
{
    CredentialStore store(CredentialStore::Backend::Keychain, freshService(), {});
    QString error;
    CHECK_FALSE(store.readNow(QStringLiteral("nobody"), &error));
    CHECK(error.isEmpty()); // absent is not an error

    REQUIRE(store.writeNow(QStringLiteral("short"), QStringLiteral("s3cret"), &error));
    CHECK(store.readNow(QStringLiteral("short"), &error) == QStringLiteral("s3cret"));

    // Jobs queued back to back run one after another, in order.
    QStringList order;
    store.write(QStringLiteral("q"), QStringLiteral("one"),
                [&](const QString&) { order << QStringLiteral("write one"); });
    store.write(QStringLiteral("q"), QStringLiteral("two"),
                [&](const QString&) { order << QStringLiteral("write two"); });
    store.read(QStringLiteral("q"), [&](const std::optional<QString>& value, const QString&) {
        order << QStringLiteral("read ") + value.value_or(QStringLiteral("-"));
    });
    REQUIRE(test::waitUntil([&] { return order.size() == 3; }));
    CHECK(order == QStringList{QStringLiteral("write one"), QStringLiteral("write two"),
                               QStringLiteral("read two")});

    // Longer than Windows allows in one entry: stored in parts, read back whole.
    QString big;
    for (int i = 0; i < 5000; ++i)
        big.append(QChar(u'a' + i % 26));
    REQUIRE(store.writeNow(QStringLiteral("big"), big, &error));
    CHECK(store.readNow(QStringLiteral("big"), &error) == big);
    // 5,000 characters in parts of 1,200: five parts.
    CHECK(store.readNow(QStringLiteral("big#5"), &error).has_value());
    CHECK_FALSE(store.readNow(QStringLiteral("big#6"), &error));
    // A shorter value leaves no stale parts behind.
    REQUIRE(store.writeNow(QStringLiteral("big"), QStringLiteral("small now"), &error));
    CHECK(store.readNow(QStringLiteral("big"), &error) == QStringLiteral("small now"));
    CHECK_FALSE(store.readNow(QStringLiteral("big#1"), &error));

    REQUIRE(store.writeNow(QStringLiteral("big"), big, &error));
    REQUIRE(store.removeNow(QStringLiteral("big"), &error));
    CHECK_FALSE(store.readNow(QStringLiteral("big"), &error));
    CHECK_FALSE(store.readNow(QStringLiteral("big#1"), &error));
    CHECK(store.removeNow(QStringLiteral("big"), &error)); // already gone is fine
}

TEST_CASE("CredentialStore file fallback is owner-only and says when it is damaged", "[keychain]")
{
    QTemporaryDir dir;
    QString error;
    {
        CredentialStore store(CredentialStore::Backend::File, freshService(), dir.path());
        REQUIRE(store.writeNow(QStringLiteral("k"), QStringLiteral("v"), &error));
        CHECK(QFile::permissions(store.filePath()) ==
              (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser |
               QFileDevice::WriteUser));
    }
    CredentialStore reopened(CredentialStore::Backend::File, freshService(), dir.path());
    CHECK(reopened.readNow(QStringLiteral("k"), &error) == QStringLiteral("v"));
    REQUIRE(reopened.removeNow(QStringLiteral("k"), &error));
    CHECK_FALSE(reopened.readNow(QStringLiteral("k"), &error));

    QFile damaged(reopened.filePath());
    REQUIRE(damaged.open(QIODevice::WriteOnly | QIODevice::Truncate));
    damaged.write("{not json");
    damaged.close();
    CHECK_FALSE(reopened.readNow(QStringLiteral("k"), &error));
    CHECK(error.contains(QStringLiteral("damaged")));
}

TEST_CASE("AccountSession signs in, reuses its token, rotates on refresh, signs out",
          "[keychain][session]")
{
    test::Server server;
    QTemporaryDir profile;
    const QString dir = profile.filePath(QStringLiteral("p"));
    QString firstRefresh;
    {
        AccountSession session(server.url(), dir);
        CHECK(session.email().isEmpty());
        auto outcome = session.wait([&](auto done) {
            session.signIn(QStringLiteral("ana@harbor.test"), QStringLiteral("wrong"),
                           AccountSession::Keep::Keychain, done);
        });
        CHECK(outcome.failure == AccountSession::Failure::Refused);
        CHECK(session.email().isEmpty());
        CHECK_FALSE(QFile::exists(dir + QStringLiteral("/account.json")));

        outcome = session.wait([&](auto done) {
            session.signIn(QStringLiteral("ana@harbor.test"), password(),
                           AccountSession::Keep::Keychain, done);
        });
        REQUIRE(outcome.ok());
        CHECK(session.user().value(QStringLiteral("name")) == QStringLiteral("ana"));
        CHECK_FALSE(session.currentAccessToken().isEmpty());
    }
    // The account file names the account and holds no secret.
    QFile account(dir + QStringLiteral("/account.json"));
    REQUIRE(account.open(QIODevice::ReadOnly));
    const QByteArray accountText = account.readAll();
    CHECK(accountText.contains("ana@harbor.test"));
    CHECK_FALSE(accountText.contains("Token"));

    // A later start (a new process) finds the token in the keychain; still fresh: no rotation.
    AccountSession later(server.url(), dir);
    CHECK(later.email() == QStringLiteral("ana@harbor.test"));
    REQUIRE(later.wait([&](auto done) { later.ensureAccessToken(done); }).ok());
    QJsonObject me;
    REQUIRE(later
                .wait([&](auto done) {
                    later.fetchUser([&, done](const auto& outcome, const QJsonObject& user) {
                        me = user;
                        done(outcome);
                    });
                })
                .ok());
    CHECK(me.value(QStringLiteral("name")) == QStringLiteral("ana"));

    // A forced refresh rotates: the old refresh token stops working on the server.
    CredentialStore keychain(CredentialStore::Backend::Keychain, QStringLiteral("crm-desktop"), {});
    QString error;
    const QString key = server.url().toString() + QStringLiteral(" ana@harbor.test");
    const auto before = keychain.readNow(key, &error);
    REQUIRE(before);
    firstRefresh = QJsonDocument::fromJson(before->toUtf8())
                       .object()
                       .value(QStringLiteral("refreshToken"))
                       .toString();
    REQUIRE(later.wait([&](auto done) { later.refresh(done); }).ok());
    const auto after = keychain.readNow(key, &error);
    REQUIRE(after);
    CHECK(*after != *before);
    RestClient rest;
    rest.setBaseUrl(server.url());
    std::optional<RestReply> reuse;
    rest.post(QStringLiteral("/api/token/refresh"),
              QJsonObject{{QStringLiteral("refreshToken"), firstRefresh}},
              [&](const RestReply& reply) { reuse = reply; });
    REQUIRE(test::waitUntil([&] { return reuse.has_value(); }));
    CHECK(reuse->error.isUnauthorized());

    // Signing out forgets the secret here, whatever the server says (reusing the rotated token
    // above may already have ended the session there); the next start is not signed in.
    later.wait([&](auto done) { later.signOut(done); });
    CHECK_FALSE(keychain.readNow(key, &error));
    AccountSession afterSignOut(server.url(), dir);
    CHECK(afterSignOut.wait([&](auto done) { afterSignOut.ensureAccessToken(done); }).failure ==
          AccountSession::Failure::NotSignedIn);
}

TEST_CASE("A sign-in for this session only lasts as long as the process, whichever object "
          "asks",
          "[keychain][session]")
{
    test::Server server;
    QTemporaryDir profile;
    const QString dir = profile.filePath(QStringLiteral("p"));
    {
        // The sign-in dialog's account object goes away once the agent is in.
        AccountSession dialogs(server.url(), dir);
        REQUIRE(dialogs
                    .wait([&](auto done) {
                        dialogs.signIn(QStringLiteral("ana@harbor.test"), password(),
                                       AccountSession::Keep::Memory, done);
                    })
                    .ok());
    }
    // The window's own account object of the same profile is signed in: no second prompt
    // (crm-desktop asked again at once, forever, when this failed).
    AccountSession windows(server.url(), dir);
    CHECK(windows.email() == QStringLiteral("ana@harbor.test"));
    REQUIRE(windows.wait([&](auto done) { windows.ensureAccessToken(done); }).ok());
    CHECK_FALSE(windows.currentAccessToken().isEmpty());
    // Nothing was written anywhere that outlives the process.
    CHECK_FALSE(QFile::exists(dir + QStringLiteral("/credentials.json")));
    REQUIRE(windows.wait([&](auto done) { windows.signOut(done); }).ok());
    AccountSession afterSignOut(server.url(), dir);
    CHECK(afterSignOut.wait([&](auto done) { afterSignOut.ensureAccessToken(done); }).failure ==
          AccountSession::Failure::NotSignedIn);
}

TEST_CASE("AccountSession refreshes a token about to expire and tells a dead server apart",
          "[keychain][session]")
{
    QTemporaryDir data;
    test::ServerProcess server(data.path());
    REQUIRE(server.addUserWithToken(QStringLiteral("ben@harbor.test")));
    // Every access token lives 30 s: always inside the one-minute refresh margin.
    REQUIRE(server.start({QStringLiteral("--access-ttl"), QStringLiteral("30")}));
    QTemporaryDir profile;
    AccountSession session(server.url(), profile.path());
    REQUIRE(session
                .wait([&](auto done) {
                    session.signIn(QStringLiteral("ben@harbor.test"), password(),
                                   AccountSession::Keep::Keychain, done);
                })
                .ok());
    CredentialStore keychain(CredentialStore::Backend::Keychain, QStringLiteral("crm-desktop"), {});
    const QString key = server.url().toString() + QStringLiteral(" ben@harbor.test");
    QString error;
    const auto stored = keychain.readNow(key, &error);
    REQUIRE(stored);
    AccountSession next(server.url(), profile.path());
    REQUIRE(next.wait([&](auto done) { next.ensureAccessToken(done); }).ok());
    CHECK_FALSE(next.currentAccessToken().isEmpty());
    CHECK(keychain.readNow(key, &error) != stored); // refreshed (and rotated), not reused

    server.kill();
    AccountSession offline(server.url(), profile.path());
    const auto outcome = offline.wait([&](auto done) { offline.ensureAccessToken(done); });
    CHECK(outcome.failure == AccountSession::Failure::Unreachable);
    // Unreachable is not "signed out": the secret is still there for the next try.
    CHECK(keychain.readNow(key, &error));
}

TEST_CASE("crm-cli login, whoami and logout through the keychain, and without one",
          "[keychain][cli]")
{
    test::Server server;
    QTemporaryDir profile;
    const QStringList common{QStringLiteral("--server"), server.url().toString(),
                             QStringLiteral("--profile"), profile.filePath(QStringLiteral("p"))};
    auto result = runCli(QStringList{QStringLiteral("whoami")} + common);
    CHECK(result.exitCode == 2);
    CHECK(result.err.contains("Not signed in"));

    result =
        runCli(QStringList{QStringLiteral("login"), QStringLiteral("dee@harbor.test")} + common,
               "long enough password\n");
    INFO(result.err.toStdString());
    REQUIRE(result.exitCode == 0);
    result = runCli(QStringList{QStringLiteral("whoami"), QStringLiteral("--json")} + common);
    REQUIRE(result.exitCode == 0);
    const QJsonObject who = QJsonDocument::fromJson(result.out).object();
    CHECK(who.value(QStringLiteral("user")).toObject().value(QStringLiteral("role")) ==
          QStringLiteral("broker-admin"));
    CHECK(who.value(QStringLiteral("keychain")).toBool());
    // Record commands use the stored sign-in.
    result = runCli(QStringList{QStringLiteral("sync")} + common);
    CHECK(result.exitCode == 0);
    result = runCli(QStringList{QStringLiteral("logout")} + common);
    CHECK(result.exitCode == 0);
    CHECK(runCli(QStringList{QStringLiteral("sync")} + common).exitCode == 2);

    // No keychain service: a clear error that names the way out, and --no-keychain works.
    QProcessEnvironment noBus = QProcessEnvironment::systemEnvironment();
    noBus.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 QStringLiteral("unix:path=") + profile.filePath(QStringLiteral("no-bus")));
    const QStringList other{QStringLiteral("--server"), server.url().toString(),
                            QStringLiteral("--profile"), profile.filePath(QStringLiteral("q"))};
    result = runCli(QStringList{QStringLiteral("login"), QStringLiteral("ben@harbor.test")} + other,
                    "long enough password\n", noBus);
    CHECK(result.exitCode == 5);
    CHECK(result.err.contains("--no-keychain"));
    result = runCli(QStringList{QStringLiteral("login"), QStringLiteral("ben@harbor.test"),
                                QStringLiteral("--no-keychain")} +
                        other,
                    "long enough password\n", noBus);
    REQUIRE(result.exitCode == 0);
    CHECK(result.err.contains("less safe"));
    CHECK(QFile::permissions(profile.filePath(QStringLiteral("q/credentials.json"))) ==
          (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser |
           QFileDevice::WriteUser));
    CHECK(runCli(QStringList{QStringLiteral("whoami")} + other, {}, noBus).exitCode == 0);
}

TEST_CASE("SessionRenewer keeps a live connection's token fresh and reports a revoked session",
          "[keychain][session]")
{
    test::Server server(2s); // access tokens die after 2 s
    QTemporaryDir profile;
    AccountSession session(server.url(), profile.path());
    REQUIRE(session
                .wait([&](auto done) {
                    session.signIn(QStringLiteral("ana@harbor.test"), password(),
                                   AccountSession::Keep::Keychain, done);
                })
                .ok());
    ConnectionManager connection(test::fastConnectionConfig(server.url()));
    connection.setAuthProvider([&] {
        return QJsonObject{{QStringLiteral("token"), session.currentAccessToken()}};
    });
    SessionRenewer renewer(session, connection);
    QSignalSpy ended(&renewer, &SessionRenewer::sessionEnded);
    connection.start();
    REQUIRE(test::waitUntil([&] { return connection.state() == ConnectionState::Online; }));

    // Well past the first token's life, a new connection still signs in.
    test::spin(3s);
    connection.stop();
    connection.start();
    REQUIRE(test::waitUntil([&] { return connection.state() == ConnectionState::Online; }));
    CHECK(ended.isEmpty());

    // The account is disabled by the broker: the next refresh is refused and the session ends,
    // once (the renewer does not keep hammering the server).
    REQUIRE(server.server.users().setDisabled(QStringLiteral("ana@harbor.test"), true));
    REQUIRE(test::waitUntil([&] { return !ended.isEmpty(); }));
    test::spin(1500ms);
    CHECK(ended.count() == 1);
}

TEST_CASE("A revoked session stops the connection and ends the session once, in the server's "
          "words",
          "[keychain][session]")
{
    test::Server server; // tokens live 15 minutes: no refresh happens during this test
    QTemporaryDir profile;
    AccountSession session(server.url(), profile.path());
    REQUIRE(session
                .wait([&](auto done) {
                    session.signIn(QStringLiteral("cleo@harbor.test"), password(),
                                   AccountSession::Keep::Keychain, done);
                })
                .ok());
    ConnectionManager connection(test::fastConnectionConfig(server.url()));
    connection.setAuthProvider([&] {
        return QJsonObject{{QStringLiteral("token"), session.currentAccessToken()}};
    });
    SessionRenewer renewer(session, connection);
    QSignalSpy ended(&renewer, &SessionRenewer::sessionEnded);
    connection.start();
    REQUIRE(test::waitUntil([&] { return connection.state() == ConnectionState::Online; }));

    // The broker disables Cleo: auth:revoked arrives, the connection gives up instead of
    // retrying, and the session ends with the server's reason (no refresh attempt first).
    REQUIRE(server.server.users().setDisabled(QStringLiteral("cleo@harbor.test"), true));
    REQUIRE(test::waitUntil([&] { return !ended.isEmpty(); }));
    CHECK(ended.first().first().toString().contains(QStringLiteral("disabled")));
    CHECK(connection.state() == ConnectionState::AuthRequired);
    CHECK(connection.msUntilReconnect() < 0);
    CHECK(connection.reason().contains(QStringLiteral("disabled")));
    test::spin(500ms);
    CHECK(ended.count() == 1);
}

TEST_CASE("SessionRenewer brings back a connection that gave up on an old token",
          "[keychain][session]")
{
    test::Server server(2s);
    QTemporaryDir profile;
    AccountSession session(server.url(), profile.path());
    REQUIRE(session
                .wait([&](auto done) {
                    session.signIn(QStringLiteral("ben@harbor.test"), password(),
                                   AccountSession::Keep::Keychain, done);
                })
                .ok());
    // The first CONNECT carries a token the server no longer takes (an app started while the
    // server was away, with what the keychain had): the connection stops retrying.
    bool first = true;
    ConnectionManager connection(test::fastConnectionConfig(server.url()));
    connection.setAuthProvider([&] {
        const QString token = first ? QStringLiteral("stale") : session.currentAccessToken();
        first = false;
        return QJsonObject{{QStringLiteral("token"), token}};
    });
    connection.start();
    REQUIRE(test::waitUntil([&] { return connection.state() == ConnectionState::AuthRequired; }));
    // The renewer's next refresh reconnects with the new token.
    SessionRenewer renewer(session, connection);
    REQUIRE(test::waitUntil([&] { return connection.state() == ConnectionState::Online; }));
}
