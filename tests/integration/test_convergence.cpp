// Convergence: three clients make random creates, edits and deletes on shared records, go
// offline for stretches, and the server is killed (SIGKILL) and restarted mid-run. At the end
// every client's copy equals the server's, every mutation was applied at most once, and every
// mutation is accounted for: applied, a conflict, or a failure. Never a silent loss.
#include "models/syncengine.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/serverprocess.h"

#include <catch2/catch.hpp>
#include <map>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QUuid>
#include <random>
#include <set>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

struct Client
{
    Client(const QUrl& url, const QString& accessToken, const QString& path)
        : token(accessToken), connection(test::fastConnectionConfig(url))
    {
        QString error;
        store = LocalStore::open(path, &error);
        REQUIRE(store);
        rest.setBaseUrl(url);
        rest.setBearerToken(token);
        engine = std::make_unique<SyncEngine>(*store, connection, rest);
        connection.setAuthProvider([this] { return engine->authPayload(token); });
        QObject::connect(engine.get(), &SyncEngine::caughtUp, engine.get(),
                         [this] { caughtUp = true; });
    }
    bool settled()
    {
        return connection.state() == ConnectionState::Online && caughtUp &&
               engine->inFlightCount() == 0 && store->outboxCount() == 0;
    }

    QString token;
    ConnectionManager connection;
    RestClient rest;
    std::unique_ptr<LocalStore> store;
    std::unique_ptr<SyncEngine> engine;
    bool caughtUp = false;
    std::set<qint64> enqueued;
};

} // namespace

TEST_CASE("Convergence: three clients, offline stretches, a SIGKILLed server", "[convergence]")
{
    QTemporaryDir dir;
    test::ServerProcess server(dir.filePath(QStringLiteral("server")));
    QStringList tokens;
    for (const char* email : {"c1@harbor.test", "c2@harbor.test", "c3@harbor.test"}) {
        const auto token = server.addUserWithToken(QString::fromLatin1(email));
        REQUIRE(token);
        tokens.append(*token);
    }
    const QStringList fastPings{QStringLiteral("--ping-interval"), QStringLiteral("500")};
    REQUIRE(server.start(fastPings));

    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<Client>(
            server.url(), tokens[i], dir.filePath(QStringLiteral("c%1.sqlite").arg(i))));
        clients.back()->connection.start();
    }
    REQUIRE(waitUntil(
        [&] {
            return std::all_of(clients.begin(), clients.end(),
                               [](auto& c) { return c->settled(); });
        },
        20s));

    std::mt19937 rng(20261122);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    QStringList ids;
    int counter = 0;
    const QStringList statuses{QStringLiteral("open"), QStringLiteral("pending"),
                               QStringLiteral("closing"), QStringLiteral("closed")};
    for (int round = 0; round < 120; ++round) {
        Client& c = *clients[static_cast<size_t>(pick(3))];
        const int dice = pick(20);
        std::optional<OutboxEntry> entry;
        if (ids.size() < 4 || dice == 0) {
            ids.append(QUuid::createUuid().toString(QUuid::WithoutBraces));
            entry =
                c.engine->edit(QStringLiteral("escrows"), ids.last(), QStringLiteral("create"),
                               {{QStringLiteral("number"), QStringLiteral("C-%1").arg(++counter)},
                                {QStringLiteral("purchasePrice"), 400000 + counter}});
        } else if (dice == 1) {
            entry = c.engine->edit(QStringLiteral("escrows"),
                                   ids.at(pick(static_cast<int>(ids.size()))),
                                   QStringLiteral("delete"), {});
        } else {
            // Unique values: every applied edit really changes something.
            const bool price = pick(2) == 0;
            entry = c.engine->edit(
                QStringLiteral("escrows"), ids.at(pick(static_cast<int>(ids.size()))),
                QStringLiteral("update"),
                price ? QJsonObject{{QStringLiteral("purchasePrice"), 500000 + ++counter}}
                      : QJsonObject{{QStringLiteral("escrowCompany"),
                                     QStringLiteral("Co %1").arg(++counter)},
                                    {QStringLiteral("status"), statuses.at(pick(4))}});
        }
        REQUIRE(entry);
        c.enqueued.insert(entry->mutationId);

        if (pick(12) == 0) { // someone's laptop closes or opens
            Client& other = *clients[static_cast<size_t>(pick(3))];
            if (other.connection.state() == ConnectionState::Offline)
                other.connection.start();
            else
                other.connection.stop();
        }
        if (round == 60) { // the server dies without a word, then comes back on the same port
            server.kill();
            test::spin(300ms);
            REQUIRE(server.start(fastPings, server.port()));
        }
        test::spin(std::chrono::milliseconds(10 + pick(30)));
    }

    for (auto& c : clients) {
        if (c->connection.state() == ConnectionState::Offline)
            c->connection.start();
        c->connection.reconnectNow();
    }
    REQUIRE(waitUntil(
        [&] {
            return std::all_of(clients.begin(), clients.end(),
                               [](auto& c) { return c->settled(); });
        },
        60s));
    test::spin(500ms); // the last live events reach everyone

    // The server's truth, read over REST.
    std::optional<RestReply> reply;
    clients[0]->rest.get(QStringLiteral("/api/records/escrows"),
                         [&](const RestReply& r) { reply = r; },
                         {QString(), QString(), QUrlQuery(QStringLiteral("limit=500"))});
    REQUIRE(waitUntil([&] { return reply.has_value(); }));
    REQUIRE(reply->ok());
    std::map<QString, QJsonObject> serverRecords;
    for (const auto& item : reply->body.toObject().value(QStringLiteral("items")).toArray())
        serverRecords[item.toObject().value(QStringLiteral("id")).toString()] = item.toObject();
    CHECK(serverRecords.size() > 3);

    std::optional<RestReply> log;
    clients[0]->rest.get(QStringLiteral("/api/changes"), [&](const RestReply& r) { log = r; },
                         {QString(), QString(), QUrlQuery(QStringLiteral("since=0&limit=1000"))});
    REQUIRE(waitUntil([&] { return log.has_value(); }));
    std::map<QString, std::set<qint64>> appliedByClient;
    std::set<std::pair<QString, qint64>> seen;
    for (const auto& change : log->body.toObject().value(QStringLiteral("changes")).toArray()) {
        const auto c = change.toObject();
        const auto key = std::make_pair(c.value(QStringLiteral("clientId")).toString(),
                                        c.value(QStringLiteral("mutationId")).toInteger());
        CHECK(seen.insert(key).second); // never applied twice
        appliedByClient[key.first].insert(key.second);
    }

    int conflicts = 0;
    int failures = 0;
    for (auto& c : clients) {
        conflicts += static_cast<int>(c->store->conflicts().size());
        failures += static_cast<int>(c->store->failures().size());
    }
    // The run must actually have produced overlapping edits, or it proves little.
    CHECK(conflicts > 0);
    CHECK(seen.size() > 60);
    UNSCOPED_INFO("applied " << seen.size() << ", conflicts " << conflicts << ", failures "
                             << failures);

    for (auto& c : clients) {
        // Every local copy equals the server's state.
        const auto local = c->store->records(QStringLiteral("escrows"));
        CHECK(local.size() == static_cast<qsizetype>(serverRecords.size()));
        for (const auto& record : local) {
            INFO(record.id.toStdString());
            REQUIRE(serverRecords.count(record.id) == 1);
            const auto& truth = serverRecords[record.id];
            CHECK(record.version == truth.value(QStringLiteral("version")).toInteger());
            CHECK(record.fields == truth.value(QStringLiteral("fields")).toObject());
        }
        // Every mutation is applied, a conflict or a failure: nothing vanished.
        std::set<qint64> accounted = appliedByClient[c->store->clientId()];
        for (const auto& conflict : c->store->conflicts())
            CHECK(accounted.insert(conflict.entry.mutationId).second);
        for (const auto& failure : c->store->failures())
            CHECK(accounted.insert(failure.entry.mutationId).second);
        CHECK(accounted == c->enqueued);
    }
}
