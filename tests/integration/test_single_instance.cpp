// One crm-desktop per profile, with real processes: a later launch hands its request to the
// process holding the profile and exits; a holder that does not answer is named; a killed
// holder's lock is taken over.
#include "app/launchrequest.h"
#include "app/profileinstance.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#ifdef Q_OS_UNIX
#include <csignal>
#endif
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace crm;
using namespace std::chrono_literals;

namespace {

const QString kLink = QStringLiteral("crm://record/leads/7d2f6a2e-1111-4c3b-9d00-aa0000000001");

// crm-desktop on a profile, offline (nothing listens on port 9 of loopback), with a token so
// that no sign-in dialog is asked for.
QStringList desktopArguments(const QString& profile, const QStringList& more = {})
{
    return QStringList{QStringLiteral("--server"),  QStringLiteral("http://127.0.0.1:9"),
                       QStringLiteral("--token"),   QStringLiteral("offline"),
                       QStringLiteral("--profile"), profile} +
           more;
}

struct Desktop
{
    explicit Desktop(const QString& profile, const QStringList& more = {})
    {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        // A GUI program on Windows logs to the debugger, not stderr, unless told.
        env.insert(QStringLiteral("QT_FORCE_STDERR_LOGGING"), QStringLiteral("1"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        // The test main quiets crm.*; what the launch did is read from these two.
        env.insert(QStringLiteral("QT_LOGGING_RULES"),
                   QStringLiteral("crm.*.info=false\ncrm.app.instance.info=true\n"
                                  "crm.app.launch.info=true"));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(CRM_DESKTOP_PATH), desktopArguments(profile, more));
        REQUIRE(process.waitForStarted());
    }
    ~Desktop()
    {
        if (process.state() != QProcess::NotRunning) {
#ifdef Q_OS_UNIX
            ::kill(static_cast<pid_t>(process.processId()), SIGCONT);
#endif
            process.kill();
            process.waitForFinished();
        }
    }
    bool said(const QByteArray& text)
    {
        const bool seen = test::waitUntil(
            [&] {
                output += process.readAll();
                return output.contains(text);
            },
            30s);
        if (!seen)
            UNSCOPED_INFO("crm-desktop said: " << output.toStdString());
        return seen;
    }
    bool finished()
    {
        return test::waitUntil([&] { return process.state() == QProcess::NotRunning; }, 30s);
    }

    QTemporaryDir home;
    QProcess process;
    QByteArray output;
};

} // namespace

TEST_CASE("A later launch hands its link to the window holding the profile and exits", "[instance]")
{
    QTemporaryDir profile;
    Desktop first(profile.path());
    REQUIRE(first.said("holding"));

    Desktop second(profile.path(), {kLink});
    REQUIRE(second.finished());
    INFO(second.process.readAll().toStdString());
    CHECK(second.process.exitStatus() == QProcess::NormalExit);
    CHECK(second.process.exitCode() == 0);

    // The running window took it (and, offline, waits for the record to arrive).
    REQUIRE(first.said("a later launch handed over"));
    CHECK(first.output.contains("7d2f6a2e-1111-4c3b-9d00-aa0000000001"));
    CHECK(first.process.state() == QProcess::Running);
}

TEST_CASE("A crm-desktop launch hands over to a holder in another process", "[instance]")
{
    QTemporaryDir profile;
    ProfileInstance holder(profile.path());
    REQUIRE(holder.claim({}) == ProfileInstance::Claim::Primary);
    QSignalSpy received(&holder, &ProfileInstance::argumentsReceived);

    Desktop later(profile.path(), {kLink});
    REQUIRE(test::waitUntil([&] { return received.count() == 1; }, 30s));
    const auto request = LaunchRequest::fromArguments(received.at(0).at(0).toStringList());
    REQUIRE(request);
    CHECK(request->module == QStringLiteral("leads"));
    CHECK(request->recordId == QStringLiteral("7d2f6a2e-1111-4c3b-9d00-aa0000000001"));
    REQUIRE(later.finished());
    CHECK(later.process.exitCode() == 0);
}

#ifdef Q_OS_UNIX
TEST_CASE("A holder that does not answer is named, its profile is not opened twice, and the "
          "request it missed is not acted on later",
          "[instance]")
{
    QTemporaryDir profile;
    Desktop first(profile.path());
    REQUIRE(first.said("holding"));
    ::kill(static_cast<pid_t>(first.process.processId()), SIGSTOP);

    ProfileInstance later(profile.path());
    const LaunchRequest missed{QStringLiteral("clients"), QStringLiteral("missed-request-id")};
    CHECK(later.claim(missed.toArguments(), 1500ms) == ProfileInstance::Claim::Busy);
    CHECK(later.error().contains(QString::number(first.process.processId())));
    CHECK(later.error().contains(QStringLiteral("busy")));

    // Once it answers again, it drops the request whose launch already gave up, and takes new
    // ones as before.
    ::kill(static_cast<pid_t>(first.process.processId()), SIGCONT);
    ProfileInstance again(profile.path());
    CHECK(again.claim(LaunchRequest{QStringLiteral("tasks"), {}}.toArguments()) ==
          ProfileInstance::Claim::HandedOff);
    REQUIRE(first.said("handed over"));
    CHECK(first.output.contains("dropped a hand-off that came too late"));
    CHECK_FALSE(first.output.contains("missed-request-id"));
}
#endif

TEST_CASE("The lock of a killed holder is taken over", "[instance]")
{
    QTemporaryDir profile;
    {
        Desktop first(profile.path());
        REQUIRE(first.said("holding"));
        first.process.kill(); // SIGKILL: no clean-up at all, the lock file and socket stay
        REQUIRE(first.finished());
    }
    ProfileInstance next(profile.path());
    CHECK(next.claim({}, 1s) == ProfileInstance::Claim::Primary);

    // And it listens: a launch hands over to it.
    QSignalSpy received(&next, &ProfileInstance::argumentsReceived);
    Desktop later(profile.path(), {QStringLiteral("--module"), QStringLiteral("clients")});
    REQUIRE(test::waitUntil([&] { return received.count() == 1; }, 30s));
    REQUIRE(later.finished());
    CHECK(later.process.exitCode() == 0);
}

TEST_CASE("Garbage on the hand-off socket is dropped and the holder goes on serving", "[instance]")
{
    QTemporaryDir profile;
    ProfileInstance holder(profile.path());
    REQUIRE(holder.claim({}) == ProfileInstance::Claim::Primary);
    QSignalSpy received(&holder, &ProfileInstance::argumentsReceived);
    const QString name = ProfileInstance::socketNameFor(profile.path());

    for (const QByteArray& junk :
         {QByteArray("not json\n"), QByteArray("{\"a\":1}\n"), QByteArray(70 * 1024, 'x')}) {
        QLocalSocket socket;
        socket.connectToServer(name);
        REQUIRE(socket.waitForConnected(5000));
        socket.write(junk);
        socket.flush();
        // The holder hangs up without an answer.
        CHECK(
            test::waitUntil([&] { return socket.state() == QLocalSocket::UnconnectedState; }, 10s));
        CHECK_FALSE(socket.readAll().startsWith("ok"));
    }
    CHECK(received.isEmpty());

    Desktop later(profile.path(), {kLink});
    REQUIRE(test::waitUntil([&] { return received.count() == 1; }, 30s));
    REQUIRE(later.finished());
    CHECK(later.process.exitCode() == 0);
}
