#include "app/livecommands.h"

#include "app/accountcommands.h"
#include "app/accountsession.h"
#include "app/clisession.h"
#include "app/sessionrenewer.h"
#include "realtime/connectionmanager.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace crm {

namespace {

std::atomic_bool g_interrupted{false};

extern "C" void onInterrupt(int)
{
    g_interrupted = true; // only a flag: the event loop polls it
}

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-cli", text);
}

void line(const QJsonObject& json)
{
    std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

QJsonObject stateLine(ConnectionState state, const QString& reason)
{
    return {{QStringLiteral("connection"), connectionStateKey(state)},
            {QStringLiteral("reason"), reason}};
}

} // namespace

int runWatch(const CliOptions& options, const QString& tokenOverride)
{
    CliSession session(options.server, options.profileDir);
    QString error;
    if (!session.open(&error)) {
        std::fprintf(stderr, "crm-cli: %s\n", qPrintable(error));
        return 5;
    }
    QString token;
    if (const int status = obtainAccessToken(options, tokenOverride, &token); status != 0)
        return status;
    session.setToken(token);
    std::unique_ptr<AccountSession> account;
    std::unique_ptr<SessionRenewer> renewer;
    int exitCode = 0;
    if (tokenOverride.isEmpty()) {
        account = std::make_unique<AccountSession>(options.server, options.profileDir);
        account->wait([&](auto done) { account->ensureAccessToken(done); });
        session.core().setTokenSource([&] { return account->currentAccessToken(); });
        renewer = std::make_unique<SessionRenewer>(*account, session.core().connection());
        QObject::connect(renewer.get(), &SessionRenewer::sessionEnded, renewer.get(),
                         [&](const QString& reason) {
                             std::fprintf(stderr, "crm-cli: %s\n",
                                          qPrintable(tr("session ended: %1").arg(reason)));
                             exitCode = 2;
                             QCoreApplication::exit(2);
                         });
    }
    QObject::connect(
        &session.core().connection(), &ConnectionManager::stateChanged,
        &session.core().connection(),
        [](ConnectionState state, const QString& reason) { line(stateLine(state, reason)); });
    QObject::connect(&session.core().connection(), &ConnectionManager::eventReceived,
                     &session.core().connection(),
                     [](const QString& event, const QJsonArray& args) {
                         line({{QStringLiteral("event"), event}, {QStringLiteral("args"), args}});
                     });
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &poll, [] {
        if (g_interrupted)
            QCoreApplication::exit(0);
    });
    poll.start(100);
    session.core().connection().start();
    QCoreApplication::exec();
    // Whatever arrived is in the local copy already: stopping loses nothing.
    session.core().connection().stop();
    return exitCode;
}

int runRaw(const QStringList& args, const CliOptions& options)
{
    ConnectionConfig config;
    config.serverUrl = options.server;
    config.connectTimeout = std::chrono::seconds(options.timeoutSec);
    config.watchNetwork = false;
    config.detectResume = false;
    ConnectionManager connection(config);
    QJsonObject auth;
    if (!options.rawAuth.isEmpty()) {
        QJsonParseError parse;
        const auto document = QJsonDocument::fromJson(options.rawAuth.toUtf8(), &parse);
        if (!document.isObject()) {
            std::fprintf(
                stderr, "crm-cli: %s\n",
                qPrintable(tr("--auth must be a JSON object: %1").arg(parse.errorString())));
            return 1;
        }
        auth = document.object();
    }
    QJsonArray emitArgs;
    if (const QString data = args.value(1); !data.isEmpty()) {
        QJsonParseError parse;
        const auto document = QJsonDocument::fromJson(
            (QStringLiteral("[") + data + QStringLiteral("]")).toUtf8(), &parse);
        if (!document.isArray()) {
            std::fprintf(stderr, "crm-cli: %s\n",
                         qPrintable(tr("the emit's argument is not JSON: %1").arg(data)));
            return 1;
        }
        emitArgs = document.array();
    }
    connection.setAuthProvider([auth] { return auth; });

    int exitCode = 3;
    auto finish = [&](int code) {
        exitCode = code;
        QCoreApplication::exit(code);
    };
    QObject::connect(
        &connection, &ConnectionManager::connectErrorReceived, &connection,
        [&](const QString& message, const QJsonObject& data) {
            line({{QStringLiteral("connectError"), message}, {QStringLiteral("data"), data}});
            finish(2);
        });
    QObject::connect(
        &connection, &ConnectionManager::eventReceived, &connection,
        [](const QString& event, const QJsonArray& eventArgs) {
            line({{QStringLiteral("event"), event}, {QStringLiteral("args"), eventArgs}});
        });
    QObject::connect(&connection, &ConnectionManager::stateChanged, &connection,
                     [&](ConnectionState state, const QString& reason) {
                         line(stateLine(state, reason));
                         if (state == ConnectionState::Reconnecting)
                             finish(3); // a probe reports, it does not retry
                         if (state != ConnectionState::Online)
                             return;
                         if (options.rawEmit.isEmpty()) {
                             exitCode = 0; // connected; events print until the time is up
                             return;
                         }
                         connection.emitWithAck(
                             options.rawEmit, emitArgs, [&](const AckOutcome& outcome) {
                                 if (!outcome.ok()) {
                                     line({{QStringLiteral("ackError"), outcome.error}});
                                     return finish(3);
                                 }
                                 line({{QStringLiteral("ack"), outcome.args}});
                                 finish(0);
                             });
                     });
    QTimer::singleShot(std::chrono::seconds(options.timeoutSec), &connection,
                       [&] { QCoreApplication::exit(exitCode); });
    connection.start();
    QCoreApplication::exec();
    connection.stop();
    return exitCode;
}

} // namespace crm
