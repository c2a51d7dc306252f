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
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/processclient.h"
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

// A client that also remembers what it queued: every mutation must be accounted for.
struct Client : test::ProcessClient
{
    Client(const QUrl& url, const QString& accessToken, const QString& path)
        : ProcessClient(test::fastConnectionConfig(url), accessToken, path)
    {}

    std::set<qint64> enqueued;
    std::map<qint64, OutboxEntry> entries; // by mutation id: what was sent, on which base
};

// The change log as REST pages it, all of it.
QList<QJsonObject> wholeLog(RestClient& rest)
{
    QList<QJsonObject> changes;
    qint64 since = 0;
    for (bool more = true; more;) {
        std::optional<RestReply> page;
        rest.get(
            QStringLiteral("/api/changes"), [&](const RestReply& r) { page = r; },
            {QString(), QString(), QUrlQuery(QStringLiteral("since=%1&limit=1000").arg(since))});
        REQUIRE(waitUntil([&] { return page.has_value(); }));
        REQUIRE(page->ok());
        const auto body = page->body.toObject();
        for (const auto& change : body.value(QStringLiteral("changes")).toArray())
            changes.append(change.toObject());
        since = body.value(QStringLiteral("through")).toInteger();
        more = body.value(QStringLiteral("more")).toBool();
    }
    return changes;
}

// The newest change of `field` in versions (base, before) of one
// record's history by anyone but `clientId`, after that client's own last change of it: what an
// applied mutation made on `base` would have overwritten without a word.
std::optional<QJsonObject> overwritten(const std::map<qint64, QJsonObject>& history, qint64 base,
                                       qint64 before, const QString& clientId, const QString& field)
{
    std::optional<QJsonObject> other;
    for (auto it = history.upper_bound(base); it != history.end() && it->first < before; ++it) {
        const auto& change = it->second;
        if (!change.value(QStringLiteral("fields")).toObject().contains(field))
            continue;
        if (change.value(QStringLiteral("clientId")).toString() != clientId)
            other = change;
        else
            other.reset();
    }
    return other;
}

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
        c.enqueued.insert(entry->mutationId);
        c.entries[entry->mutationId] = *entry;

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
        clients[0]->enqueued.insert(entry->mutationId);
        clients[0]->entries[entry->mutationId] = *entry;
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
        c.enqueued.insert(entry->mutationId);
        c.entries[entry->mutationId] = *entry;
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

    const QList<QJsonObject> log = wholeLog(clients[0]->rest);
    std::map<QString, std::set<qint64>> appliedByClient;
    std::set<std::pair<QString, qint64>> seen;
    std::map<QString, std::map<qint64, QJsonObject>> histories; // record -> version -> change
    for (const auto& c : log) {
        histories[c.value(QStringLiteral("id")).toString()]
                 [c.value(QStringLiteral("version")).toInteger()] = c;
        const auto key = std::make_pair(c.value(QStringLiteral("clientId")).toString(),
                                        c.value(QStringLiteral("mutationId")).toInteger());
        CHECK(seen.insert(key).second); // never applied twice
        appliedByClient[key.first].insert(key.second);
    }

    // No silent overwrite: every applied update or delete of ours met no other client's change
    // of the same field (of anything, for a delete) after the base it was made on.
    int checkedOverlaps = 0;
    for (const auto& c : log) {
        const QString kind = c.value(QStringLiteral("kind")).toString();
        if (kind == QStringLiteral("created"))
            continue;
        const QString clientId = c.value(QStringLiteral("clientId")).toString();
        const auto owner = std::find_if(clients.begin(), clients.end(), [&](auto& client) {
            return client->store->clientId() == clientId;
        });
        REQUIRE(owner != clients.end());
        const OutboxEntry& sent =
            (*owner)->entries.at(c.value(QStringLiteral("mutationId")).toInteger());
        const auto& history = histories[c.value(QStringLiteral("id")).toString()];
        const qint64 version = c.value(QStringLiteral("version")).toInteger();
        // A delete must not discard anyone's change of any field; an update, of its fields.
        QStringList fields = c.value(QStringLiteral("fields")).toObject().keys();
        if (kind == QStringLiteral("deleted")) {
            fields.clear();
            for (const auto& [v, earlier] : history) {
                if (v <= sent.baseVersion.value_or(0) || v >= version)
                    continue;
                for (const auto& name : earlier.value(QStringLiteral("fields")).toObject().keys()) {
                    if (!fields.contains(name))
                        fields.append(name);
                }
            }
        }
        for (const auto& field : fields) {
            ++checkedOverlaps;
            const auto other =
                overwritten(history, sent.baseVersion.value_or(0), version, clientId, field);
            INFO("mutation " << sent.mutationId << " (" << kind.toStdString() << " of "
                             << field.toStdString() << " on version "
                             << sent.baseVersion.value_or(0) << ") applied as version " << version
                             << " over version "
                             << (other ? other->value(QStringLiteral("version")).toInteger() : 0));
            CHECK_FALSE(other.has_value());
        }
    }
    CHECK(checkedOverlaps > 300);

    int conflicts = 0;
    int failures = 0;
    for (auto& c : clients) {
        conflicts += static_cast<int>(c->store->problems().conflicts().size());
        failures += static_cast<int>(c->store->problems().failures().size());
    }
    // The run must actually have produced overlapping edits, or it proves little.
    CHECK(conflicts > 0);
    CHECK(seen.size() > 300);
    UNSCOPED_INFO("applied " << seen.size() << ", conflicts " << conflicts << ", failures "
                             << failures);
    for (auto& c : clients) {
        // Every local copy equals the server's state.
        const auto local = c->store->cache().records(QStringLiteral("escrows"));
        CHECK(local.size() == static_cast<qsizetype>(serverRecords.size()));
        for (const auto& record : local) {
            INFO(record.id.toStdString());
            REQUIRE(serverRecords.count(record.id) == 1);
            const auto& truth = serverRecords[record.id];
            CHECK(record.version == truth.value(QStringLiteral("version")).toInteger());
            CHECK(record.fields == truth.value(QStringLiteral("fields")).toObject());
        }
        // Every mutation is applied, a conflict or a failure: nothing vanished. A delete of a
        // record that was gone already is applied without a change (no seq, not in the log).
        std::set<qint64> accounted = appliedByClient[c->store->clientId()];
        for (const auto& [mutationId, entry] : c->entries) {
            if (entry.op == Operation::Delete && !accounted.count(mutationId) &&
                serverRecords.count(entry.recordId) == 0 &&
                histories[entry.recordId].rbegin()->second.value(QStringLiteral("kind")) ==
                    QStringLiteral("deleted"))
                accounted.insert(mutationId);
        }
        for (const auto& conflict : c->store->problems().conflicts())
            CHECK(accounted.insert(conflict.entry.mutationId).second);
        for (const auto& failure : c->store->problems().failures())
            CHECK(accounted.insert(failure.entry.mutationId).second);
        CHECK(accounted == c->enqueued);
    }
}
