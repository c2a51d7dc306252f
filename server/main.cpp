// crm-server: the brokerage's collaboration backend.
//   crm-server [--data DIR] [--db URL] [--host H] [--port P] [--seed-demo]     serve
//   crm-server user add EMAIL --name NAME --team TEAM --role ROLE   (password on stdin)
//   crm-server user list | user disable EMAIL | user enable EMAIL
//   crm-server user set EMAIL [--team TEAM] [--role ROLE]
//   crm-server token issue EMAIL                                    (prints an access token)
//   crm-server agent-key create EMAIL --name AGENT | agent-key revoke KEY   (AI agents' keys)
#include "common/buildinfo.h"
#include "server/crmserver.h"
#include "server/demodata.h"
#include "server/storage/userdirectory.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStandardPaths>
#include <QTextStream>

using namespace crm;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-server", text);
}

int fail(const QString& message)
{
    std::fprintf(stderr, "crm-server: %s\n", qPrintable(message));
    return 1;
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
    parser.setApplicationDescription(tr("CRM collaboration server.\n\nCommands: (none) serve; "
                                        "user add|list|disable|enable; token issue EMAIL; "
                                        "agent-key create EMAIL --name AGENT | revoke KEY"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("Optional: user or token."));
    const QCommandLineOption data(
        QStringLiteral("data"), tr("Data folder (database, signing secret)."),
        QStringLiteral("dir"), QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    const QCommandLineOption db(QStringLiteral("db"),
                                tr("Database: empty for SQLite in the data folder, or "
                                   "postgresql://user:password@host:port/name."),
                                QStringLiteral("url"));
    const QCommandLineOption host(QStringLiteral("host"), tr("Address to listen on."),
                                  QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption port(QStringLiteral("port"), tr("Port (0 picks a free one)."),
                                  QStringLiteral("port"), QStringLiteral("8787"));
    const QCommandLineOption ping(QStringLiteral("ping-interval"), tr("Ping interval in ms."),
                                  QStringLiteral("ms"), QStringLiteral("25000"));
    const QCommandLineOption accessTtl(QStringLiteral("access-ttl"),
                                       tr("Access token lifetime in seconds."), QStringLiteral("s"),
                                       QStringLiteral("900"));
    const QCommandLineOption seed(QStringLiteral("seed-demo"),
                                  tr("Create the demo brokerage if the database is empty."));
    const QCommandLineOption name(QStringLiteral("name"),
                                  tr("user add: display name; agent-key create: the agent's."),
                                  QStringLiteral("name"));
    const QCommandLineOption team(QStringLiteral("team"), tr("user add: team name."),
                                  QStringLiteral("team"), QStringLiteral("Team"));
    const QCommandLineOption role(QStringLiteral("role"),
                                  tr("user add: agent, team-lead or broker-admin."),
                                  QStringLiteral("role"), QStringLiteral("agent"));
    const QCommandLineOption maxSockets(QStringLiteral("max-sockets-per-user"),
                                        tr("Sockets one user may have open at once."),
                                        QStringLiteral("n"), QStringLiteral("10"));
    const QCommandLineOption rate(
        QStringLiteral("rate-limit"),
        tr("Events per second one socket may send (bursts of twice that)."), QStringLiteral("n"),
        QStringLiteral("50"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                                     tr("PEM certificate: serve https:// and wss://."),
                                     QStringLiteral("file"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), tr("PEM RSA private key."),
                                    QStringLiteral("file"));
    parser.addOptions({data, db, host, port, ping, accessTtl, seed, name, team, role, maxSockets,
                       rate, tlsCert, tlsKey});
    parser.process(app);

    CrmServerOptions options;
    options.dataDir = parser.value(data);
    options.database = parser.value(db);
    options.host = QHostAddress(parser.value(host));
    options.port = static_cast<quint16>(parser.value(port).toUInt());
    options.socket.pingInterval =
        std::chrono::milliseconds(std::max(100, parser.value(ping).toInt()));
    options.lifetimes.access = std::chrono::seconds(std::max(10, parser.value(accessTtl).toInt()));
    options.sync.maxSocketsPerUser = std::max(1, parser.value(maxSockets).toInt());
    options.sync.ratePerSecond = std::max(1.0, parser.value(rate).toDouble());
    options.sync.rateBurst = 2 * options.sync.ratePerSecond;
    options.tlsCertificate = parser.value(tlsCert);
    options.tlsKey = parser.value(tlsKey);

    CrmServer server;
    QString error;
    if (!server.open(options, &error))
        return fail(error);

    const QStringList args = parser.positionalArguments();
    if (args.value(0) == QStringLiteral("user"))
        return userCommand(server, args, parser, name, team, role);
    if (args.value(0) == QStringLiteral("token")) {
        const auto user = server.users().findByEmail(args.value(2));
        if (args.value(1) != QStringLiteral("issue") || !user || user->disabled)
            return fail(tr("usage: token issue EMAIL (an enabled user)"));
        std::printf("%s\n", qPrintable(server.tokens().issue(user->identity).accessToken));
        return 0;
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
        return 0;
    }
    if (!args.isEmpty())
        return fail(tr("unknown command '%1'").arg(args.first()));

    if (parser.isSet(seed) && server.users().firstBrokerageId().isEmpty()) {
        if (!DemoData::seed(server, &error))
            return fail(error);
        std::printf("seeded the demo brokerage (password for every demo user: %s)\n",
                    DemoData::kPassword);
    }
    if (!server.listen(&error))
        return fail(error);
    // One machine-readable line so scripts and tests can find the port.
    std::printf("crm-server listening on %s://%s:%u\n",
                options.tlsCertificate.isEmpty() ? "http" : "https",
                qPrintable(options.host.toString()), server.port());
    std::fflush(stdout);
    return app.exec();
}
