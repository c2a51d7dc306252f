// crm-cli: the same libraries as the desktop app, no Widgets. For scripts, support staff, AI
// agents and tests.
#include "app/accountcommands.h"
#include "app/accountsession.h"
#include "app/livecommands.h"
#include "app/notecommands.h"
#include "app/recordcommands.h"
#include "app/taskcommands.h"
#include "common/buildinfo.h"
#include "common/serveraddress.h"
#include "models/recordlink.h"
#include "models/translations.h"
#include "protocol/eventnames.h"
#include "realtime/connectionmanager.h"

#include <algorithm>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>
#include <vector>

using namespace crm;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-cli", text);
}

void printLine(const QString& text, FILE* stream = stdout)
{
    std::fprintf(stream, "%s\n", qPrintable(text));
    std::fflush(stream);
}

// Connects, sends `count` echo emits one after another and reports the round trips.
int runPing(const QUrl& server, const QString& token, int count, int timeoutSec, bool json)
{
    ConnectionConfig config;
    config.serverUrl = server;
    config.connectTimeout = std::chrono::seconds(timeoutSec);
    ConnectionManager connection(config);
    connection.setAuthProvider([token] {
        return QJsonObject{{QStringLiteral("token"), token},
                           {QStringLiteral("clientId"), QStringLiteral("crm-cli")}};
    });

    std::vector<qint64> rounds;
    int exitCode = 0;
    QString failure;
    auto finish = [&](int code, const QString& why) {
        exitCode = code;
        failure = why;
        connection.stop();
        QCoreApplication::exit(code);
    };
    std::function<void()> sendNext = [&] {
        if (static_cast<int>(rounds.size()) == count)
            return finish(0, {});
        connection.emitWithAck(QString(events::Echo), {static_cast<qint64>(rounds.size())},
                               [&](const AckOutcome& outcome) {
                                   if (!outcome.ok())
                                       return finish(3, outcome.error);
                                   rounds.push_back(outcome.roundTrip.count());
                                   sendNext();
                               });
    };
    QObject::connect(&connection, &ConnectionManager::stateChanged, &connection,
                     [&](ConnectionState state, const QString& reason) {
                         if (state == ConnectionState::Online)
                             sendNext();
                         else if (state == ConnectionState::AuthRequired)
                             finish(2, reason);
                         else if (state == ConnectionState::Reconnecting)
                             finish(3, connection.lastError());
                     });
    QTimer::singleShot(std::chrono::seconds(timeoutSec), &connection,
                       [&] { finish(3, tr("Timed out")); });
    connection.start();
    QCoreApplication::exec();

    std::sort(rounds.begin(), rounds.end());
    const qint64 p50 = rounds.empty() ? -1 : rounds[rounds.size() / 2];
    const qint64 worst = rounds.empty() ? -1 : rounds.back();
    if (json) {
        QJsonObject out{{QStringLiteral("ok"), exitCode == 0},
                        {QStringLiteral("server"), server.toString()},
                        {QStringLiteral("acks"), static_cast<qint64>(rounds.size())},
                        {QStringLiteral("p50Ms"), p50},
                        {QStringLiteral("maxMs"), worst}};
        if (exitCode != 0)
            out.insert(QStringLiteral("error"), failure);
        printLine(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Compact)));
    } else if (exitCode == 0) {
        printLine(tr("%1: %2 acks, p50 %3 ms, max %4 ms")
                      .arg(server.toString())
                      .arg(rounds.size())
                      .arg(p50)
                      .arg(worst));
    } else {
        printLine(tr("%1: %2").arg(server.toString(), failure), stderr);
    }
    return exitCode;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    installTranslations();
    QCoreApplication::setApplicationName(QStringLiteral("crm-cli"));
    QCoreApplication::setApplicationVersion(buildinfo::versionLine());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("CRM command line client.\n\nCommands:\n"
           "  login EMAIL                   sign in (password from stdin); the sign-in is kept in\n"
           "                                the OS keychain, or with --no-keychain in a 0600 file\n"
           "  logout                        sign out here and on the server\n"
           "  whoami                        the signed-in user, as the server sees it\n"
           "  ping                          connect, send echo emits, report round trips\n"
           "  sync                          catch up, send queued edits, print a summary\n"
           "  list MODULE [--where f=v]     records of a module (synced first unless --offline)\n"
           "  get MODULE ID                 one record\n"
           "  create MODULE f=v ...         new record; prints its id\n"
           "  set MODULE ID f=v ...         change fields (f=null clears one)\n"
           "  delete MODULE ID              delete a record\n"
           "  link MODULE ID                the record's crm:// link (opens it in crm-desktop)\n"
           "  pending | conflicts           queued and refused edits / open conflicts (JSON)\n"
           "  resolve ID --mine|--theirs|f=v ...   act on a conflict\n"
           "  retry ID [f=v ...]            send a refused edit again, corrected\n"
           "  discard ID                    drop a refused edit\n"
           "  dump [MODULE]                 the local copy as canonical JSON lines\n"
           "  watch                         live events as JSON lines until interrupted\n"
           "  raw [JSON]                    plain Socket.IO probe of --server (any v4 server):\n"
           "                                --auth JSON for CONNECT, --emit EVENT sends JSON\n"
           "  task start KIND [--module M --file CSV --title T --merge --shared --wait]\n"
           "                                run csv_import, csv_export, lead_dedupe, or register\n"
           "                                an agent task; --wait follows it to the end\n"
           "  task list|show|wait|cancel|retry ID | output ID [--report]\n"
           "  task report ID [--progress N --step T --done N --total N --status S --error T\n"
           "                 --result JSON]   report on an agent task from a shell script\n"
           "  note get MODULE ID            a record's shared notes, as text\n"
           "  note append MODULE ID TEXT    add a line at the end of the notes (- reads it from\n"
           "                                stdin; put -- before a TEXT that starts with -)\n"
           "  note edit MODULE ID           edit the notes in $EDITOR; your changes are merged\n"
           "                                line by line with what others typed meanwhile\n"
           "The token comes from --token, else $CRM_TOKEN, else the profile's sign-in.\n"
           "An edit is made on the newest copy (online, the profile catches up first) or on the\n"
           "local copy (--offline, or when the server cannot be reached); either way it is in\n"
           "the profile's outbox before the command exits 0, and sent as soon as it can be.\n\n"
           "Exit status: 0 ok (an edit applied, or queued when the server is out of reach),\n"
           "1 usage, or an edit the local copy refuses to make (the record is deleted, being\n"
           "deleted, or read-only for you; the reason on stderr), 2 credentials refused,\n"
           "3 unreachable or timed out, 4 this edit met a conflict (sync: conflicts or\n"
           "failures remain), 5 local storage error, 6 the server refused this edit."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("What to do."));
    QCommandLineOption serverOption(QStringLiteral("server"), tr("Server URL."),
                                    QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8787"));
    QCommandLineOption tokenOption(QStringLiteral("token"),
                                   tr("Access token (default: $CRM_TOKEN)."),
                                   QStringLiteral("token"));
    QCommandLineOption countOption(QStringLiteral("count"), tr("Number of echo emits."),
                                   QStringLiteral("n"), QStringLiteral("5"));
    QCommandLineOption timeoutOption(QStringLiteral("timeout"), tr("Give up after S seconds."),
                                     QStringLiteral("s"), QStringLiteral("10"));
    QCommandLineOption jsonOption(QStringLiteral("json"), tr("Print JSON."));
    QCommandLineOption profileOption(QStringLiteral("profile"),
                                     tr("Profile folder (local copy and outbox)."),
                                     QStringLiteral("dir"));
    QCommandLineOption offlineOption(QStringLiteral("offline"),
                                     tr("Only use or queue locally; do not connect."));
    QCommandLineOption whereOption(QStringLiteral("where"),
                                   tr("list: only records with field=value."),
                                   QStringLiteral("field=value"));
    QCommandLineOption mineOption(QStringLiteral("mine"), tr("resolve: keep my values."));
    QCommandLineOption theirsOption(QStringLiteral("theirs"), tr("resolve: take theirs."));
    QCommandLineOption noKeychainOption(
        QStringLiteral("no-keychain"),
        tr("login: keep the sign-in in the profile (owner-only file; less safe)."));
    QCommandLineOption authOption(QStringLiteral("auth"), tr("raw: CONNECT auth payload (JSON)."),
                                  QStringLiteral("json"));
    QCommandLineOption emitOption(QStringLiteral("emit"), tr("raw: event to emit with an ack."),
                                  QStringLiteral("event"));
    QCommandLineOption urlOption(QStringLiteral("url"), tr("raw: same as --server."),
                                 QStringLiteral("url"));
    QCommandLineOption caOption(
        QStringLiteral("ca"),
        tr("Also trust the certificate authorities in this PEM file (the brokerage's own CA)."),
        QStringLiteral("file"));
    parser.addOptions({serverOption, tokenOption, countOption, timeoutOption, jsonOption,
                       profileOption, offlineOption, whereOption, mineOption, theirsOption,
                       noKeychainOption, authOption, emitOption, urlOption, caOption});
    // task: named values, each "--name value"; flags separately.
    const QStringList taskValues{QStringLiteral("module"), QStringLiteral("file"),
                                 QStringLiteral("title"),  QStringLiteral("progress"),
                                 QStringLiteral("step"),   QStringLiteral("done"),
                                 QStringLiteral("total"),  QStringLiteral("status"),
                                 QStringLiteral("error"),  QStringLiteral("result")};
    for (const auto& name : taskValues)
        parser.addOption(QCommandLineOption(name, tr("task: see above."), QStringLiteral("value")));
    const QStringList taskFlags{QStringLiteral("merge"), QStringLiteral("shared"),
                                QStringLiteral("wait"), QStringLiteral("report")};
    for (const auto& name : taskFlags)
        parser.addOption(QCommandLineOption(name, tr("task: see above.")));
    QCommandLineOption verboseOption(QStringLiteral("verbose"), tr("Log what the link does."));
    parser.addOption(verboseOption);
    parser.process(app);
    if (!parser.isSet(verboseOption))
        QLoggingCategory::setFilterRules(QStringLiteral("crm.*.info=false"));

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        printLine(tr("Missing command. Try --help."), stderr);
        return 1;
    }
    const QString tokenOverride = parser.isSet(tokenOption)
                                      ? parser.value(tokenOption)
                                      : QString::fromLocal8Bit(qgetenv("CRM_TOKEN"));
    CliOptions options;
    options.server = QUrl::fromUserInput(parser.isSet(urlOption) ? parser.value(urlOption)
                                                                 : parser.value(serverOption));
    if (parser.isSet(caOption)) {
        QString error;
        if (!ServerAddress::trustCertificateAuthorities(parser.value(caOption), &error)) {
            printLine(tr("--ca: %1").arg(error), stderr);
            return 1;
        }
    }
    if (ServerAddress::isUnencryptedRemote(options.server))
        printLine(tr("warning: %1").arg(ServerAddress::unencryptedWarning(options.server)), stderr);
    options.profileDir = parser.isSet(profileOption)
                             ? parser.value(profileOption)
                             : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                   u'/' + options.server.host() + u'_' +
                                   QString::number(options.server.port(80));
    options.obtainToken = [&options, tokenOverride](QString* token) {
        return obtainAccessToken(options, tokenOverride, token);
    };
    options.timeoutSec = std::max(1, parser.value(timeoutOption).toInt());
    options.offline = parser.isSet(offlineOption);
    options.json = parser.isSet(jsonOption);
    options.noKeychain = parser.isSet(noKeychainOption);
    options.where = parser.value(whereOption);
    options.mine = parser.isSet(mineOption);
    options.theirs = parser.isSet(theirsOption);
    options.rawAuth = parser.value(authOption);
    options.rawEmit = parser.value(emitOption);
    TaskCliOptions& task = options.task;
    task.module = parser.value(QStringLiteral("module"));
    task.file = parser.value(QStringLiteral("file"));
    task.title = parser.value(QStringLiteral("title"));
    task.progress = parser.value(QStringLiteral("progress"));
    task.step = parser.value(QStringLiteral("step"));
    task.done = parser.value(QStringLiteral("done"));
    task.total = parser.value(QStringLiteral("total"));
    task.status = parser.value(QStringLiteral("status"));
    task.error = parser.value(QStringLiteral("error"));
    task.result = parser.value(QStringLiteral("result"));
    task.merge = parser.isSet(QStringLiteral("merge"));
    task.shared = parser.isSet(QStringLiteral("shared"));
    task.wait = parser.isSet(QStringLiteral("wait"));
    task.report = parser.isSet(QStringLiteral("report"));

    const QString command = args.first();
    if (command == QStringLiteral("link")) {
        // Needs no server or sign-in: the link names the record, the window its account.
        if (args.size() != 3) {
            printLine(tr("usage: crm-cli link MODULE ID"), stderr);
            return 1;
        }
        QString error;
        const auto link = RecordLink::make(args.at(1), args.at(2), &error);
        if (!link) {
            printLine(tr("link: %1").arg(error), stderr);
            return 1;
        }
        printLine(link->toString(), stdout);
        return 0;
    }
    if (command == QStringLiteral("login") || command == QStringLiteral("logout") ||
        command == QStringLiteral("whoami"))
        return runAccountCommand(args, options);
    if (command == QStringLiteral("watch"))
        return runWatch(options, tokenOverride);
    if (command == QStringLiteral("raw"))
        return runRaw(args, options);
    if (command == QStringLiteral("task"))
        return runTaskCommand(args, options);
    if (command == QStringLiteral("note"))
        return runNoteCommand(args, options);
    if (command == QStringLiteral("ping")) {
        // A reachability probe works signed out too: the server's refusal is then the answer.
        QString token = tokenOverride;
        if (token.isEmpty() &&
            !AccountSession(options.server, options.profileDir).email().isEmpty())
            if (const int status = options.obtainToken(&token); status != 0)
                return status;
        return runPing(options.server, token, std::max(1, parser.value(countOption).toInt()),
                       options.timeoutSec, options.json);
    }
    return runRecordCommand(args, options);
}
