#include "app/accountcommands.h"

#include "app/accountsession.h"
#include "app/passwordprompt.h"

#include <cstdio>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-cli", text);
}

int statusOf(AccountSession::Failure failure)
{
    switch (failure) {
    case AccountSession::Failure::None:
        return 0;
    case AccountSession::Failure::NotSignedIn:
    case AccountSession::Failure::Refused:
        return 2;
    case AccountSession::Failure::Unreachable:
        return 3;
    case AccountSession::Failure::Storage:
        return 5;
    }
    return 5;
}

int fail(const AccountSession::Outcome& outcome, const QString& hint = {})
{
    std::fprintf(stderr, "crm-cli: %s%s\n", qPrintable(outcome.error), qPrintable(hint));
    return statusOf(outcome.failure);
}

void print(const CliOptions& options, const QJsonObject& json, const QString& text)
{
    const QString line =
        options.json ? QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)) : text;
    std::printf("%s\n", qPrintable(line));
}

const QString kSignInHint = QStringLiteral(" (run: crm-cli login EMAIL)");

} // namespace

int obtainAccessToken(const CliOptions& options, const QString& override, QString* token)
{
    if (!override.isEmpty()) {
        *token = override;
        return 0;
    }
    AccountSession session(options.server, options.profileDir);
    const auto outcome = session.wait([&](auto done) { session.ensureAccessToken(done); });
    if (!outcome.ok())
        return fail(outcome,
                    outcome.failure == AccountSession::Failure::Storage ? QString() : kSignInHint);
    *token = session.currentAccessToken();
    return 0;
}

int runAccountCommand(const QStringList& args, const CliOptions& options)
{
    const QString command = args.value(0);
    AccountSession session(options.server, options.profileDir);
    if (command == QStringLiteral("login")) {
        const QString email = args.value(1);
        if (email.isEmpty()) {
            std::fprintf(stderr, "crm-cli: %s\n", qPrintable(tr("login needs an EMAIL")));
            return 1;
        }
        const QString password = readPassword(tr("Password for %1: ").arg(email));
        const auto outcome = session.wait([&](auto done) {
            session.signIn(email, password,
                           options.noKeychain ? AccountSession::Keep::File
                                              : AccountSession::Keep::Keychain,
                           done);
        });
        if (!outcome.ok())
            return fail(outcome, outcome.failure == AccountSession::Failure::Storage
                                     ? tr("; to keep it in a file instead, use --no-keychain")
                                     : QString());
        if (options.noKeychain)
            std::fprintf(
                stderr, "crm-cli: %s\n",
                qPrintable(tr("the sign-in is kept in %1 (owner-only), which is less "
                              "safe than the OS keychain")
                               .arg(options.profileDir + QStringLiteral("/credentials.json"))));
        const QJsonObject user = session.user();
        print(options,
              {{QStringLiteral("email"), email},
               {QStringLiteral("server"), options.server.toString()},
               {QStringLiteral("user"), user},
               {QStringLiteral("keychain"), !options.noKeychain}},
              tr("Signed in to %1 as %2 (%3)")
                  .arg(options.server.toString(), user.value(QStringLiteral("name")).toString(),
                       email));
        return 0;
    }
    if (command == QStringLiteral("logout")) {
        const QString email = session.email();
        const auto outcome = session.wait([&](auto done) { session.signOut(done); });
        if (outcome.failure == AccountSession::Failure::Storage)
            return fail(outcome);
        if (!outcome.ok())
            std::fprintf(
                stderr, "crm-cli: %s\n",
                qPrintable(
                    tr("signed out here; the server could not be told: %1").arg(outcome.error)));
        print(options, {{QStringLiteral("signedOut"), true}, {QStringLiteral("email"), email}},
              email.isEmpty() ? tr("Not signed in") : tr("Signed out %1").arg(email));
        return 0;
    }
    // whoami
    QJsonObject user;
    const auto outcome = session.wait([&](auto done) {
        session.fetchUser([&user, done](const AccountSession::Outcome& o, const QJsonObject& u) {
            user = u;
            done(o);
        });
    });
    if (!outcome.ok())
        return fail(outcome, outcome.failure == AccountSession::Failure::Unreachable ||
                                     outcome.failure == AccountSession::Failure::Storage
                                 ? QString()
                                 : kSignInHint);
    print(options,
          {{QStringLiteral("email"), session.email()},
           {QStringLiteral("server"), options.server.toString()},
           {QStringLiteral("user"), user},
           {QStringLiteral("keychain"), session.usesKeychain()}},
          tr("%1 <%2> on %3, role %4, team %5")
              .arg(user.value(QStringLiteral("name")).toString(), session.email(),
                   options.server.toString(), user.value(QStringLiteral("role")).toString(),
                   user.value(QStringLiteral("teamId")).toString()));
    return 0;
}

} // namespace crm
