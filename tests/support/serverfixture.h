#pragma once

// An in-process crm-server with a small brokerage, and agents connected to it with our own
// ConnectionManager: shared by the server sync, presence and REST tests.
#include "realtime/connectionmanager.h"
#include "server/crmserver.h"
#include "server/storage/userdirectory.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/testdatabases.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QUuid>

namespace crm::test {

using namespace std::chrono_literals;

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

struct Server
{
    // `heartbeat` is the ping interval and timeout: short, so that tests see silent sockets go
    // quickly; tests whose server works in long stretches (a login's password hash, a batch of
    // mutations on a loaded machine) give it more, or their clients drop the link meanwhile.
    explicit Server(std::chrono::seconds accessLifetime = std::chrono::seconds(900),
                    SyncHub::Options sync = {}, const QString& backend = QStringLiteral("sqlite"),
                    TaskRunner::Options tasks = {},
                    std::chrono::milliseconds heartbeat = std::chrono::milliseconds(200))
    {
        REQUIRE(dir.isValid());
        CrmServerOptions options;
        options.dataDir = dir.path();
        QString why;
        options.database = databaseTarget(backend, dir.path(), &why);
        if (options.database.isEmpty()) {
            if (postgresRequired())
                FAIL(why.toStdString());
            WARN(why.toStdString());
            skipped = true;
            return;
        }
        options.port = 0;
        options.socket.pingInterval = heartbeat;
        options.socket.pingTimeout = heartbeat;
        options.lifetimes.access = accessLifetime;
        options.sync = sync;
        options.tasks = tasks;
        QString error;
        REQUIRE(server.open(options, &error));
        REQUIRE(server.listen(&error));
        auto& users = server.users();
        const QString brokerage = users.addBrokerage(QStringLiteral("Harbor Realty"));
        north = users.addTeam(brokerage, QStringLiteral("North"));
        const QString south = users.addTeam(brokerage, QStringLiteral("South"));
        ana = add(brokerage, north, QStringLiteral("ana@harbor.test"), Identity::Role::Agent);
        ben = add(brokerage, north, QStringLiteral("ben@harbor.test"), Identity::Role::Agent);
        cleo = add(brokerage, south, QStringLiteral("cleo@harbor.test"), Identity::Role::Agent);
        dee = add(brokerage, north, QStringLiteral("dee@harbor.test"), Identity::Role::BrokerAdmin);
    }

    Identity add(const QString& brokerage, const QString& team, const QString& email,
                 Identity::Role role)
    {
        QString error;
        const auto id =
            server.users().addUser(brokerage, team, email, email.section(u'@', 0, 0), role,
                                   QStringLiteral("long enough password"), &error);
        REQUIRE(id);
        return server.users().findById(*id)->identity;
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())); }
    QString token(const Identity& who) { return server.tokens().issue(who).accessToken; }

    QTemporaryDir dir;
    CrmServer server;
    bool skipped = false; // PostgreSQL asked for but not there (developer run)
    QString north;
    Identity ana, ben, cleo, dee;
};

// One agent's connection: remembers every event, the last seq it applied, and answers acks.
struct Agent
{
    Agent(Server& server, const Identity& who, const QString& id)
        : Agent(server.url(), server.token(who), id)
    {}
    // Any server, by URL: an in-process one or a crm-server process.
    Agent(const QUrl& url, const QString& accessToken, const QString& id)
        : token(accessToken), clientId(id), manager(test::fastConnectionConfig(url))
    {
        manager.setAuthProvider([this] {
            QJsonObject auth{{QStringLiteral("token"), token},
                             {QStringLiteral("clientId"), clientId}};
            if (since >= 0)
                auth.insert(QStringLiteral("since"), since);
            return auth;
        });
        QObject::connect(
            &manager, &ConnectionManager::eventReceived, &manager,
            [this](const QString& event, const QJsonArray& args, const AckResponder&) {
                const auto payload = args.first().toObject();
                events.append({event, payload});
                if (event == QStringLiteral("sync:caught-up"))
                    since = payload.value(QStringLiteral("seq")).toInteger();
                if (event == QStringLiteral("sync:changes")) {
                    for (const auto& change : payload.value(QStringLiteral("changes")).toArray())
                        since = std::max(
                            since, change.toObject().value(QStringLiteral("seq")).toInteger());
                } else if (payload.contains(QStringLiteral("seq")) && event.contains(u':') &&
                           !event.startsWith(QStringLiteral("sync:"))) {
                    since = std::max(since, payload.value(QStringLiteral("seq")).toInteger());
                }
            });
        QObject::connect(&manager, &ConnectionManager::connectErrorReceived, &manager,
                         [this](const QString&, const QJsonObject& data) {
                             refusals.append(data.value(QStringLiteral("code")).toString());
                         });
    }

    void connect()
    {
        manager.start();
        REQUIRE(waitUntil([&] { return manager.state() == ConnectionState::Online; }));
        REQUIRE(waitUntil([&] { return has(QStringLiteral("sync:caught-up")); }));
    }
    bool has(const QString& event) const { return count(event) > 0; }
    int count(const QString& event) const
    {
        return static_cast<int>(std::count_if(events.begin(), events.end(),
                                              [&](const auto& e) { return e.first == event; }));
    }
    QJsonObject last(const QString& event) const
    {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->first == event)
                return it->second;
        return {};
    }
    QJsonObject mutate(const QJsonObject& mutation)
    {
        std::optional<AckOutcome> outcome;
        manager.emitWithAck(QStringLiteral("mutate"), {mutation},
                            [&](const AckOutcome& o) { outcome = o; });
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
        REQUIRE(outcome->ok());
        return outcome->args.first().toObject();
    }
    QJsonObject create(const QString& id, const QJsonObject& fields)
    {
        return mutate({{QStringLiteral("module"), QStringLiteral("escrows")},
                       {QStringLiteral("op"), QStringLiteral("create")},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("mutationId"), ++mutationId},
                       {QStringLiteral("fields"), fields}});
    }
    QJsonObject update(const QString& id, qint64 base, const QJsonObject& fields)
    {
        return mutate({{QStringLiteral("module"), QStringLiteral("escrows")},
                       {QStringLiteral("op"), QStringLiteral("update")},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("mutationId"), ++mutationId},
                       {QStringLiteral("baseVersion"), base},
                       {QStringLiteral("fields"), fields}});
    }

    QString token;
    QString clientId;
    qint64 since = 0;
    qint64 mutationId = 0;
    ConnectionManager manager;
    QList<QPair<QString, QJsonObject>> events;
    QStringList refusals; // data.code of every CONNECT_ERROR
};

} // namespace crm::test
