// crm-server: the brokerage's collaboration backend.
//   crm-server [--config FILE] [--data DIR] [--db URL] [--host H] [--port P] ...  serve
//   crm-server --help-settings        every setting: flag, environment variable, file key
//   crm-server user add EMAIL --name NAME --team TEAM --role ROLE   (password on stdin)
//   crm-server user list | user disable EMAIL | user enable EMAIL
//   crm-server user set EMAIL [--team TEAM] [--role ROLE]
//   crm-server token issue EMAIL                                    (prints an access token)
//   crm-server agent-key create EMAIL --name AGENT | agent-key revoke KEY   (AI agents' keys)
#include "common/buildinfo.h"
#include "server/config/exitstatus.h"
#include "server/config/serverconfig.h"
#include "server/crmserver.h"
#include "server/demodata.h"
#include "server/service/logformat.h"
#include "server/service/servicelogging.h"
#include "server/service/signalwatcher.h"
#include "server/service/systemdnotifier.h"
#include "server/storage/backup.h"
#include "server/storage/userdirectory.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStandardPaths>
#include <QTextStream>
#include <QUrl>

using namespace crm;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-server", text);
}

int fail(const QString& message, int status = exitstatus::kFailure)
{
    std::fprintf(stderr, "crm-server: %s\n", qPrintable(message));
    return status;
}

int userCommand(CrmServer& server, const QStringList& args, const QCommandLineParser& parser,
                const QCommandLineOption& name, const QCommandLineOption& team,
                const QCommandLineOption& role)
{
    UserDirectory& users = server.users();
    const QString verb = args.value(1);
    if (verb == QStringLiteral("list")) {
        for (const auto& user : users.list()) {
            std::printf("%-32s %-24s %-13s %s\n", qPrintable(user.email),
                        qPrintable(user.identity.displayName),
                        qPrintable(Identity::roleName(user.identity.role)),
                        user.disabled ? "disabled" : "active");
        }
        return 0;
    }
    const QString email = args.value(2);
    if (email.isEmpty())
        return fail(tr("user %1 needs an email address").arg(verb));
    if (verb == QStringLiteral("disable") || verb == QStringLiteral("enable")) {
        // A running server (another process on the same database) reads the access log this
        // writes: within about a second the user's sockets are cut and their tokens refused.
        if (!users.setDisabled(email, verb == QStringLiteral("disable")))
            return fail(tr("no user %1").arg(email));
        return 0;
    }
    if (verb == QStringLiteral("set")) {
        // A running server learns it from the access log within about a second: the user's
        // sockets hear auth:access-changed and reconnect with the new scope.
        const auto user = users.findByEmail(email);
        if (!user)
            return fail(tr("no user %1").arg(email));
        auto given = [&](const QCommandLineOption& option) {
            return parser.isSet(option) ? std::optional<QString>(parser.value(option))
                                        : std::nullopt;
        };
        if (const auto refusal = users.changeAccess(*user, given(team), given(role)))
            return fail(refusal->message);
        return 0;
    }
    if (verb != QStringLiteral("add"))
        return fail(tr("unknown user command '%1' (add, set, list, disable, enable)").arg(verb));
    Identity::Role userRole = Identity::Role::Agent;
    if (!Identity::roleFromName(parser.value(role), &userRole))
        return fail(tr("role must be agent, team-lead or broker-admin"));
    QString brokerage = users.firstBrokerageId();
    if (brokerage.isEmpty())
        brokerage = users.addBrokerage(QStringLiteral("Brokerage"));
    QString teamId = users.teamIdByName(brokerage, parser.value(team));
    if (teamId.isEmpty())
        teamId = users.addTeam(brokerage, parser.value(team));
    // The password comes on stdin so it never shows in `ps` or the shell history.
    const QString password = QTextStream(stdin).readLine();
    QString error;
    const auto id = users.addUser(brokerage, teamId, email,
                                  parser.value(name).isEmpty() ? email : parser.value(name),
                                  userRole, password, &error);
    if (!id)
        return fail(error);
    std::printf("%s\n", qPrintable(*id));
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    // The GLib event dispatcher keeps socket notifiers in linked lists and walks them on every
    // change: with a thousand sockets that was a fifth of the server's CPU (perf). The plain
    // UNIX dispatcher has no such cost, and a server needs nothing from GLib.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("crm-server"));
    QCoreApplication::setApplicationVersion(buildinfo::versionLine());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("CRM collaboration server.\n\nCommands: (none) serve; user add|list|disable|enable|set; "
           "token issue EMAIL; agent-key create EMAIL --name AGENT | revoke KEY; backup FILE "
           "(a consistent copy while the server runs); restore FILE (into an empty data "
           "folder).\n"
           "Settings come from the flags below, the environment and the config file: "
           "--help-settings lists them.\n\nExit status: 0 done, 1 a command failed, 64 usage, "
           "65 the database is newer than this crm-server, 69 the database or the port is "
           "unavailable, 73 the data folder cannot be made, 78 a setting is not valid."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("Optional: user or token."));
    const QCommandLineOption helpSettings(QStringLiteral("help-settings"),
                                          tr("Print every setting and where it can be given."));
    const QCommandLineOption name(QStringLiteral("name"),
                                  tr("user add: display name; agent-key create: the agent's."),
                                  QStringLiteral("name"));
    const QCommandLineOption team(QStringLiteral("team"), tr("user add: team name."),
                                  QStringLiteral("team"), QStringLiteral("Team"));
    const QCommandLineOption role(QStringLiteral("role"),
                                  tr("user add: agent, team-lead or broker-admin."),
                                  QStringLiteral("role"), QStringLiteral("agent"));
    parser.addOptions({helpSettings, name, team, role});
    ServerConfig::addOptions(parser);
    // parse(), not process(): a typo in a flag is a usage error (64), not a generic failure.
    if (!parser.parse(app.arguments()))
        return fail(parser.errorText() + tr(" (crm-server --help)"), exitstatus::kUsage);
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return exitstatus::kOk;
    }
    if (parser.isSet(version)) {
        std::printf("crm-server %s\n", qPrintable(QCoreApplication::applicationVersion()));
        return exitstatus::kOk;
    }
    if (parser.isSet(helpSettings)) {
        std::fputs(qPrintable(ServerConfig::describe()), stdout);
        return exitstatus::kOk;
    }

    ServerConfig config;
    CrmServerOptions options;
    QString error;
    if (!config.load(parser, QProcessEnvironment::systemEnvironment(), &error) ||
        !config.toOptions(&options, &error))
        return fail(error, exitstatus::kConfig);
    LogFormat::install(config.value(u"log-format") == QStringLiteral("json")
                           ? LogFormat::Style::Json
                           : LogFormat::Style::Text);
    if (options.database.contains(u'@') && QUrl(options.database).password().size() > 0 &&
        config.origin(u"db").startsWith(u'-'))
        qCWarning(lcService) << "the database password is on the command line, where every "
                                "user of this machine can read it (ps): use db-password-file";

    const QStringList args = parser.positionalArguments();
    // Before open(), which would make a new, empty brokerage in the folder.
    if (args.value(0) == QStringLiteral("restore")) {
        if (args.size() != 2)
            return fail(tr("usage: crm-server restore FILE (into an empty data folder)"),
                        exitstatus::kUsage);
        Backup::Summary summary;
        if (!Backup::restore(args.at(1), options.dataDir, &summary, &error))
            return fail(error);
        std::printf("restored %lld records (schema %d) into %s\n",
                    static_cast<long long>(summary.records), summary.schemaVersion,
                    qPrintable(options.dataDir));
        return exitstatus::kOk;
    }

    CrmServer server;
    if (!server.open(options, &error))
        return fail(error, server.failureStatus());

    if (args.value(0) == QStringLiteral("backup")) {
        if (args.size() != 2)
            return fail(tr("usage: crm-server backup FILE"), exitstatus::kUsage);
        Backup::Summary summary;
        if (!Backup::create(server.database(), options.dataDir, args.at(1), &summary, &error))
            return fail(error);
        std::printf("backed up %lld records (schema %d, %lld bytes) to %s\n",
                    static_cast<long long>(summary.records), summary.schemaVersion,
                    static_cast<long long>(summary.bytes), qPrintable(args.at(1)));
        return exitstatus::kOk;
    }
    if (args.value(0) == QStringLiteral("user"))
        return userCommand(server, args, parser, name, team, role);
    if (args.value(0) == QStringLiteral("token")) {
        const auto user = server.users().findByEmail(args.value(2));
        if (args.value(1) != QStringLiteral("issue") || !user || user->disabled)
            return fail(tr("usage: token issue EMAIL (an enabled user)"));
        std::printf("%s\n", qPrintable(server.tokens().issue(user->identity).accessToken));
        return exitstatus::kOk;
    }
    if (args.value(0) == QStringLiteral("agent-key")) {
        if (args.value(1) == QStringLiteral("revoke"))
            return server.tokens().revokeAgentKey(args.value(2)) ? 0 : fail(tr("no such key"));
        const auto user = server.users().findByEmail(args.value(2));
        if (args.value(1) != QStringLiteral("create") || !user || user->disabled ||
            parser.value(name).isEmpty())
            return fail(tr("usage: agent-key create EMAIL --name AGENT (an enabled user)"));
        // Shown once: only its hash is kept.
        std::printf("%s\n", qPrintable(server.tokens().createAgentKey(user->identity.userId,
                                                                      parser.value(name))));
        return exitstatus::kOk;
    }
    if (!args.isEmpty())
        return fail(tr("unknown command '%1' (crm-server --help)").arg(args.first()),
                    exitstatus::kUsage);

    if (config.isOn(u"seed-demo") && server.users().firstBrokerageId().isEmpty()) {
        if (!DemoData::seed(server, &error))
            return fail(error);
        std::printf("seeded the demo brokerage (password for every demo user: %s)\n",
                    DemoData::kPassword);
    }
    if (!server.listen(&error))
        return fail(error, server.failureStatus());
    const QString address = QStringLiteral("%1://%2:%3")
                                .arg(options.tlsCertificate.isEmpty() ? QStringLiteral("http")
                                                                      : QStringLiteral("https"),
                                     options.host.toString())
                                .arg(server.port());
    // One machine-readable line so scripts and tests can find the port.
    std::printf("crm-server listening on %s\n", qPrintable(address));
    std::fflush(stdout);

    // SIGTERM (systemctl stop, a container's stop) drains; a second one does not wait.
    // SIGHUP reads a renewed TLS certificate.
    SignalWatcher unixSignals;
    QObject::connect(&unixSignals, &SignalWatcher::stopRequested, &server, [&server](int number) {
        if (server.isDraining()) {
            qCInfo(lcService) << "signal" << number << "again: exiting now";
            QCoreApplication::exit(exitstatus::kOk);
            return;
        }
        qCInfo(lcService) << "signal" << number << ": stopping";
        SystemdNotifier::stopping();
        server.drain([] { QCoreApplication::exit(exitstatus::kOk); });
    });
    QObject::connect(&unixSignals, &SignalWatcher::reloadRequested, &server,
                     [&server, tls = !options.tlsCertificate.isEmpty()] {
                         if (!tls) {
                             qCInfo(lcService) << "SIGHUP: no TLS certificate to reload";
                             return;
                         }
                         SystemdNotifier::reloading();
                         QString why;
                         if (!server.reloadTls(&why))
                             qCWarning(lcService) << "SIGHUP: kept the old certificate:" << why;
                         SystemdNotifier::ready();
                     });
    SystemdNotifier::status("listening on " + address.toUtf8());
    SystemdNotifier::ready();
    return app.exec();
}
