// Convergence: three clients make random creates, edits and deletes on shared records (several
// queued edits per record, stale deletes), go offline for stretches, one of them with a large
// backlog while the others edit the same records, and the server is killed (SIGKILL) and
// restarted mid-run. At the end every client's copy equals the server's, every mutation was
// applied at most once, every mutation is accounted for (applied, a conflict, or a failure),
// and no applied edit overwrote a field someone else had changed since the version it was made
// on (docs/protocol.md 5.3): every such overlap became a conflict. Never a silent loss.
#include "core/syncengine.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "support/convergencecheck.h"
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

using Client = test::TrackedClient;

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
                c.engine->edit(QStringLiteral("escrows"), ids.last(), Operation::Create,
                               {{QStringLiteral("number"), QStringLiteral("C-%1").arg(++counter)},
                                {QStringLiteral("purchasePrice"), 400000 + counter}});
        } else if (dice == 1) {
            entry =
                c.engine->edit(QStringLiteral("escrows"),
                               ids.at(pick(static_cast<int>(ids.size()))), Operation::Delete, {});
        } else {
            // Unique values: every applied edit really changes something.
            const bool price = pick(2) == 0;
            entry = c.engine->edit(
                QStringLiteral("escrows"), ids.at(pick(static_cast<int>(ids.size()))),
                Operation::Update,
                price ? QJsonObject{{QStringLiteral("purchasePrice"), 500000 + ++counter}}
                      : QJsonObject{{QStringLiteral("escrowCompany"),
                                     QStringLiteral("Co %1").arg(++counter)},
                                    {QStringLiteral("status"), statuses.at(pick(4))}});
        }
        REQUIRE(entry);
        c.track(*entry);

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

    // A large offline backlog: the first client queues 400 edits (several per record) while
    // the others, online, keep editing the same records' fields.
    clients[0]->connection.stop();
    for (auto& c : clients) {
        if (c != clients[0] && c->connection.state() == ConnectionState::Offline)
            c->connection.start();
    }
    // Its backlog also creates records and edits them on top of its own queued creates (base
    // version 0); the others only know the records from before.
    const QStringList shared = ids;
    for (int i = 0; i < 25; ++i) {
        ids.append(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const auto entry = clients[0]->engine->edit(
            QStringLiteral("escrows"), ids.last(), Operation::Create,
            {{QStringLiteral("number"), QStringLiteral("C-%1").arg(++counter)}});
        REQUIRE(entry);
        clients[0]->track(*entry);
    }
    for (int i = 0; i < 440; ++i) {
        const bool teammate = i % 11 == 0;
        Client& c = teammate ? *clients[static_cast<size_t>(1 + pick(2))] : *clients[0];
        const QStringList& reach = teammate ? shared : ids;
        const QString id = reach.at(pick(static_cast<int>(reach.size())));
        const auto entry =
            pick(50) == 0
                ? c.engine->edit(QStringLiteral("escrows"), id, Operation::Delete, {})
                : c.engine->edit(
                      QStringLiteral("escrows"), id, Operation::Update,
                      pick(2) == 0
                          ? QJsonObject{{QStringLiteral("purchasePrice"), 500000 + ++counter}}
                          : QJsonObject{{QStringLiteral("escrowCompany"),
                                         QStringLiteral("Co %1").arg(++counter)}});
        REQUIRE(entry);
        c.track(*entry);
        if (i % 11 == 0)
            test::spin(5ms);
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

    const auto figures = test::checkConverged(clients);
    // The run must actually have produced overlapping edits, or it proves little.
    CHECK(figures.serverRecords > 3);
    CHECK(figures.checkedOverlaps > 300);
    CHECK(figures.conflicts > 0);
    CHECK(figures.applied > 300);
}
