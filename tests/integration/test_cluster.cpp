// Several crm-server nodes behind nginx, on one PostgreSQL database and one Redis, all real
// processes (tests/support/clusterfixture.h). What a client sees must not depend on which node it
// landed on: every change in seq order and exactly once, presence and rooms across nodes, one
// socket cap per user, a disabled user cut everywhere; and a node or Redis killed mid-run loses
// nothing (docs/architecture.md, "Scaling out").
#include "core/localstore.h"
#include "core/syncengine.h"
#include "protocol/taskrequest.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "support/clusterstart.h"
#include "support/convergencecheck.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/leadcsv.h"
#include "support/nodepeer.h"
#include "support/rawsiopeer.h"
#include "support/restcall.h"
#include "support/testdatabases.h"

#include <catch2/catch.hpp>
#include <map>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QUuid>
#include <random>
#include <set>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

QJsonObject auth(const QString& token)
{
    return {{QStringLiteral("token"), token},
            {QStringLiteral("clientId"), QUuid::createUuid().toString(QUuid::Id128)}};
}

// Each `42["name",payload]` event frame a peer received: (name, payload).
QList<std::pair<QString, QJsonObject>> eventsOf(const test::RawSioPeer& peer)
{
    QList<std::pair<QString, QJsonObject>> events;
    for (const auto& frame : peer.frames) {
        if (!frame.startsWith(QStringLiteral("42[")))
            continue;
        const QJsonArray packet = QJsonDocument::fromJson(frame.mid(2).toUtf8()).array();
        events.append({packet.at(0).toString(), packet.at(1).toObject()});
    }
    return events;
}

// The seqs of the record changes a peer heard live, in the order it heard them.
QList<qint64> changeSeqs(const test::RawSioPeer& peer)
{
    QList<qint64> seqs;
    for (const auto& [name, payload] : eventsOf(peer)) {
        if (name.startsWith(QStringLiteral("escrow:")))
            seqs.append(payload.value(QStringLiteral("seq")).toInteger());
    }
    return seqs;
}

} // namespace

TEST_CASE("Cluster: a change on any node reaches every permitted client on every node, in order, "
          "exactly once",
          "[cluster]")
{
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const QStringList north =
        test::addTeamTokens(cluster, QStringLiteral("n"), QStringLiteral("North"), 3);
    const auto south =
        cluster.addUserWithToken(QStringLiteral("s@harbor.test"), QStringLiteral("South"));
    REQUIRE(south);

    // Receivers: one per node directly, and six through nginx (round robin spreads them).
    std::vector<std::unique_ptr<test::RawSioPeer>> receivers;
    for (int i = 0; i < cluster.nodeCount(); ++i)
        receivers.push_back(std::make_unique<test::RawSioPeer>(cluster.nodeUrl(i)));
    for (int i = 0; i < 6; ++i)
        receivers.push_back(std::make_unique<test::RawSioPeer>(cluster.balancerUrl()));
    for (size_t i = 0; i < receivers.size(); ++i)
        REQUIRE(receivers[i]->connectWith(auth(north.at(static_cast<int>(i % 3)))));
    test::RawSioPeer outsider(cluster.balancerUrl());
    REQUIRE(outsider.connectWith(auth(*south)));

    // One writer per node, all writing at once: 3 x 40 creates, each with a commission only its
    // author (the owner) may read.
    constexpr int kPerWriter = 40;
    std::vector<std::unique_ptr<test::RawSioPeer>> writers;
    for (int i = 0; i < cluster.nodeCount(); ++i) {
        writers.push_back(std::make_unique<test::RawSioPeer>(cluster.nodeUrl(i)));
        REQUIRE(writers.back()->connectWith(auth(north.at(i))));
    }
    for (int n = 0; n < kPerWriter; ++n) {
        for (int i = 0; i < cluster.nodeCount(); ++i) {
            writers[static_cast<size_t>(i)]->emitWithAck(
                n + 1, QStringLiteral("mutate"),
                QJsonObject{
                    {QStringLiteral("module"), QStringLiteral("escrows")},
                    {QStringLiteral("op"), QStringLiteral("create")},
                    {QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                    {QStringLiteral("mutationId"), n + 1},
                    {QStringLiteral("fields"),
                     QJsonObject{{QStringLiteral("number"), QStringLiteral("W%1-%2").arg(i).arg(n)},
                                 {QStringLiteral("myCommission"), 1000 + n}}}});
        }
    }
    for (auto& writer : writers)
        REQUIRE(writer->waitForFrame(QStringLiteral("43"), kPerWriter));
    for (auto& writer : writers) {
        for (const auto& frame : writer->frames) {
            if (frame.startsWith(QStringLiteral("43")))
                CHECK(frame.contains(QStringLiteral("\"status\":\"applied\"")));
        }
    }

    const int total = kPerWriter * cluster.nodeCount();
    REQUIRE(waitUntil(
        [&] {
            return std::all_of(receivers.begin(), receivers.end(),
                               [&](auto& r) { return changeSeqs(*r).size() >= total; });
        },
        20s));
    test::spin(300ms); // anything sent twice would be here by now
    for (size_t i = 0; i < receivers.size(); ++i) {
        INFO("receiver " << i);
        const auto seqs = changeSeqs(*receivers[i]);
        REQUIRE(seqs.size() == total); // exactly once
        for (qsizetype k = 1; k < seqs.size(); ++k)
            CHECK(seqs[k] == seqs[k - 1] + 1); // in order, no gap
        // The owner reads the commission; a teammate sees it masked.
        int masked = 0;
        int shown = 0;
        for (const auto& [name, payload] : eventsOf(*receivers[i])) {
            if (!name.startsWith(QStringLiteral("escrow:")))
                continue;
            const bool hidden = payload.value(QStringLiteral("masked"))
                                    .toArray()
                                    .contains(QStringLiteral("myCommission"));
            (hidden ? masked : shown) += 1;
            CHECK(hidden != payload.value(QStringLiteral("fields"))
                                .toObject()
                                .contains(QStringLiteral("myCommission")));
        }
        CHECK(shown == kPerWriter);
        CHECK(masked == total - kPerWriter);
    }
    CHECK(changeSeqs(outsider).isEmpty()); // the other team hears nothing
}

namespace {

// The id of the user called `name`, from the presence snapshot `peer` had on connecting (it
// holds at least its own user).
QString userIdOf(const test::RawSioPeer& peer, const QString& name)
{
    for (const auto& [event, payload] : eventsOf(peer)) {
        if (event != QStringLiteral("presence:snapshot"))
            continue;
        for (const auto& user : payload.value(QStringLiteral("users")).toArray()) {
            if (user.toObject().value(QStringLiteral("name")).toString() == name)
                return user.toObject().value(QStringLiteral("userId")).toString();
        }
    }
    return {};
}

// The last presence `peer` heard of `userId` (from presence:update or presence:snapshot).
QJsonObject lastPresenceOf(const test::RawSioPeer& peer, const QString& userId)
{
    QJsonObject last;
    for (const auto& [name, payload] : eventsOf(peer)) {
        if (name == QStringLiteral("presence:update") &&
            payload.value(QStringLiteral("userId")).toString() == userId)
            last = payload;
        if (name == QStringLiteral("presence:snapshot")) {
            for (const auto& user : payload.value(QStringLiteral("users")).toArray()) {
                if (user.toObject().value(QStringLiteral("userId")).toString() == userId)
                    last = user.toObject();
            }
        }
    }
    return last;
}

QString statusOf(const QJsonObject& presence)
{
    return presence.value(QStringLiteral("status")).toString(QStringLiteral("offline"));
}

// A CONNECT that the server answers, either way: the frame of its answer.
QString connectAnswer(test::RawSioPeer& peer, const QJsonObject& auth)
{
    if (!peer.waitForFrame(QStringLiteral("0{")))
        return {};
    peer.sendConnect(QJsonDocument(auth).toJson(QJsonDocument::Compact));
    waitUntil(
        [&] { return peer.count(QStringLiteral("40{")) + peer.count(QStringLiteral("44")) > 0; });
    for (const auto& frame : peer.frames) {
        if (frame.startsWith(QStringLiteral("40{")) || frame.startsWith(QStringLiteral("44")))
            return frame;
    }
    return {};
}

} // namespace

TEST_CASE("Cluster: presence, rooms and the socket cap span the nodes, a disabled user is cut on "
          "every node, a killed node's sessions expire",
          "[cluster]")
{
    test::ClusterFixture cluster(3,
                                 {QStringLiteral("--max-sockets-per-user"), QStringLiteral("3")});
    if (!test::startClusterOrSkip(cluster))
        return;
    const auto ana =
        cluster.addUserWithToken(QStringLiteral("ana@harbor.test"), QStringLiteral("North"));
    const auto ben =
        cluster.addUserWithToken(QStringLiteral("ben@harbor.test"), QStringLiteral("North"));
    const auto cy =
        cluster.addUserWithToken(QStringLiteral("cy@harbor.test"), QStringLiteral("North"));
    REQUIRE((ana && ben && cy));

    test::RawSioPeer anaPeer(cluster.nodeUrl(0));
    REQUIRE(anaPeer.connectWith(auth(*ana)));
    test::RawSioPeer benPeer(cluster.nodeUrl(1));
    REQUIRE(benPeer.connectWith(auth(*ben)));
    REQUIRE(anaPeer.waitForFrame(QStringLiteral("42[\"presence:snapshot\"")));
    REQUIRE(benPeer.waitForFrame(QStringLiteral("42[\"presence:snapshot\"")));
    const QString anaId = userIdOf(anaPeer, QStringLiteral("ana@harbor.test"));
    const QString benId = userIdOf(benPeer, QStringLiteral("ben@harbor.test"));
    REQUIRE((!anaId.isEmpty() && !benId.isEmpty()));
    // Each hears the other, though they are on different nodes.
    for (int i = 0; i < cluster.nodeCount(); ++i) {
        const auto [status, body] = cluster.get(i, QStringLiteral("/api/ready"));
        CHECK(status == 200);
        CHECK(body.contains(R"("cluster":{"mode":"live")"));
        UNSCOPED_INFO("node " << i << ": " << body.toStdString());
    }
    CHECK(waitUntil([&] { return statusOf(lastPresenceOf(benPeer, anaId)) == u"online"; }, 5s));
    CHECK(waitUntil([&] { return statusOf(lastPresenceOf(anaPeer, benId)) == u"online"; }, 5s));

    SECTION("a record's room")
    {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        anaPeer.emitWithAck(
            1, QStringLiteral("mutate"),
            QJsonObject{{QStringLiteral("module"), QStringLiteral("escrows")},
                        {QStringLiteral("op"), QStringLiteral("create")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("mutationId"), 1},
                        {QStringLiteral("fields"),
                         QJsonObject{{QStringLiteral("number"), QStringLiteral("R-1")}}}});
        CHECK(anaPeer.ack(1).toObject().value(QStringLiteral("status")) ==
              QStringLiteral("applied"));
        const QJsonObject record{{QStringLiteral("module"), QStringLiteral("escrows")},
                                 {QStringLiteral("id"), id}};
        anaPeer.emitWithAck(2, QStringLiteral("record:subscribe"), record);
        REQUIRE(anaPeer.ack(2).toObject().value(QStringLiteral("status")) == QStringLiteral("ok"));
        // Ben (node 1) learns that Ana (node 0) views it, and finds her in the room he joins.
        CHECK(waitUntil(
            [&] {
                return lastPresenceOf(benPeer, anaId)
                    .value(QStringLiteral("viewing"))
                    .toArray()
                    .contains(record);
            },
            5s));
        benPeer.emitWithAck(7, QStringLiteral("record:subscribe"), record);
        const QJsonArray viewers =
            benPeer.ack(7).toObject().value(QStringLiteral("viewers")).toArray();
        REQUIRE(viewers.size() == 1);
        CHECK(viewers.first().toObject().value(QStringLiteral("userId")) == anaId);
    }

    SECTION("one socket cap for the whole cluster, and a disabled user cut on every node")
    {
        std::vector<std::unique_ptr<test::RawSioPeer>> cyPeers;
        for (int i = 0; i < 3; ++i) {
            cyPeers.push_back(std::make_unique<test::RawSioPeer>(cluster.nodeUrl(i)));
            REQUIRE(cyPeers.back()->connectWith(auth(*cy)));
        }
        // The fourth is refused on whichever node, once the nodes have told each other (the bus
        // is eventually consistent: a few milliseconds).
        QString refusal;
        REQUIRE(waitUntil(
            [&] {
                test::RawSioPeer fourth(cluster.nodeUrl(0));
                refusal = connectAnswer(fourth, auth(*cy));
                return refusal.startsWith(QStringLiteral("44"));
            },
            5s));
        CHECK(refusal.contains(QStringLiteral("too_many_connections")));

        REQUIRE(cluster.admin(
            {QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("cy@harbor.test")}));
        for (auto& peer : cyPeers) {
            CHECK(waitUntil([&] { return peer->closed; }, 5s));
            CHECK(peer->count(QStringLiteral("42[\"auth:revoked\"")) == 1);
        }
    }

    SECTION("a killed node's sessions leave within the expiry")
    {
        cluster.killNode(0);
        // Heartbeats stop: the others drop node 0's sessions after 5 s.
        CHECK(
            waitUntil([&] { return statusOf(lastPresenceOf(benPeer, anaId)) == u"offline"; }, 10s));
        CHECK(statusOf(lastPresenceOf(benPeer, benId)) != u"offline");
    }
}

TEST_CASE("Cluster: a node and then Redis killed under a write load, then both back: nothing lost, "
          "nothing twice, every client equal to the server",
          "[cluster]")
{
    test::ClusterFixture cluster(3, {QStringLiteral("--ping-interval"), QStringLiteral("500")});
    if (!test::startClusterOrSkip(cluster))
        return;
    const QStringList tokens =
        test::addTeamTokens(cluster, QStringLiteral("w"), QStringLiteral("North"), 3);
    // Real clients (sync engine, outbox, local store) through nginx, and two watchers on the
    // nodes that stay up, which must see the stream whole and in order throughout.
    QTemporaryDir dir;
    std::vector<std::unique_ptr<test::TrackedClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<test::TrackedClient>(
            cluster.balancerUrl(), tokens[i], dir.filePath(QStringLiteral("c%1.sqlite").arg(i))));
        clients.back()->connection.start();
    }
    std::vector<std::unique_ptr<test::RawSioPeer>> watchers;
    for (int node : {1, 2}) {
        watchers.push_back(std::make_unique<test::RawSioPeer>(cluster.nodeUrl(node)));
        REQUIRE(watchers.back()->connectWith(auth(tokens[0])));
    }
    auto settled = [&] {
        return std::all_of(clients.begin(), clients.end(), [](auto& c) { return c->settled(); });
    };
    REQUIRE(waitUntil(settled, 20s));

    std::mt19937 rng(20261202);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    QStringList ids;
    int counter = 0;
    for (int round = 0; round < 200; ++round) {
        if (round == 50)
            cluster.killNode(0); // its clients reconnect through nginx to the others
        if (round == 100) {
            cluster.killRedis();
            REQUIRE(test::waitForClusterMode(cluster, 1, QStringLiteral("degraded"), 10s));
            const auto metrics = cluster.get(2, QStringLiteral("/metrics")).second;
            CHECK(metrics.contains("crm_cluster_redis_up 0"));
        }
        if (round == 150) {
            REQUIRE(cluster.startRedis());
            REQUIRE(cluster.restartNode(0));
        }
        // The first client goes offline for stretches: its edits of a record queue up while
        // the others change the same fields, and its deletes go out on stale versions.
        if (round % 40 == 20)
            clients[0]->connection.stop();
        if (round % 40 == 35)
            clients[0]->connection.start();
        test::TrackedClient& c = *clients[static_cast<size_t>(pick(3))];
        std::optional<OutboxEntry> entry;
        const int dice = pick(20);
        if (ids.size() < 6 || dice == 0) {
            ids.append(QUuid::createUuid().toString(QUuid::WithoutBraces));
            entry =
                c.engine->edit(QStringLiteral("escrows"), ids.last(), Operation::Create,
                               {{QStringLiteral("number"), QStringLiteral("K-%1").arg(++counter)}});
        } else if (dice == 1) {
            // Gone from the list for new edits, not from queues: a client offline may still
            // hold edits of it, and its own delete may be of a version others have moved on.
            const QString gone = ids.takeAt(pick(static_cast<int>(ids.size())));
            entry = c.engine->edit(QStringLiteral("escrows"), gone, Operation::Delete, {});
        } else {
            // Few records, shared fields: edits of one field by several people overlap.
            entry = c.engine->edit(
                QStringLiteral("escrows"), ids.at(pick(static_cast<int>(ids.size()))),
                Operation::Update,
                pick(2) == 0 ? QJsonObject{{QStringLiteral("purchasePrice"), 300000 + ++counter}}
                             : QJsonObject{{QStringLiteral("escrowCompany"),
                                            QStringLiteral("Co %1").arg(++counter)}});
        }
        REQUIRE(entry);
        c.track(*entry);
        test::spin(20ms);
    }
    clients[0]->connection.start();
    REQUIRE(waitUntil(settled, 60s));
    test::spin(1s); // the last live events reach everyone

    // No loss, no duplicate, no silent overwrite, every copy equal to the server's.
    const auto figures = test::checkConverged(clients);
    CHECK(figures.serverRecords > 3);
    CHECK(figures.applied > 150);
    CHECK(figures.checkedOverlaps > 100);
    qint64 lastSeq = 0;
    for (const auto& change : test::wholeLog(clients[0]->rest))
        lastSeq = std::max(lastSeq, change.value(QStringLiteral("seq")).toInteger());
    // The watchers on the surviving nodes heard every change once, in order, Redis or not.
    for (auto& watcher : watchers) {
        const auto seqs = changeSeqs(*watcher);
        REQUIRE(!seqs.isEmpty());
        CHECK(seqs.size() == lastSeq);
        for (qsizetype k = 1; k < seqs.size(); ++k)
            CHECK(seqs[k] == seqs[k - 1] + 1);
    }
}

TEST_CASE("Cluster: one node runs a built-in task, another resumes it when that node dies, and a "
          "cancel asked on any node stops it",
          "[cluster][tasks]")
{
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const auto token =
        cluster.addUserWithToken(QStringLiteral("imp@harbor.test"), QStringLiteral("North"));
    REQUIRE(token);
    auto task = [&](int node, const QString& id) {
        const auto reply = test::restCall(cluster.nodeUrl(node), *token, "GET",
                                          QStringLiteral("/api/tasks/%1").arg(id));
        REQUIRE(reply.ok());
        return reply.body.toObject();
    };
    auto startImport = [&](int node, const test::LeadCsv& csv) {
        TaskStart start;
        start.kind = QStringLiteral("csv_import");
        start.params = {{QStringLiteral("module"), QStringLiteral("leads")}};
        start.input = csv.text;
        const auto reply = test::restCall(cluster.nodeUrl(node), *token, "POST",
                                          QStringLiteral("/api/tasks"), start.toJson());
        REQUIRE(reply.ok());
        return reply.body.toObject().value(QStringLiteral("id")).toString();
    };
    // A socket on node 2 hears the progress of a task node 0 runs.
    test::RawSioPeer watcher(cluster.nodeUrl(2));
    REQUIRE(watcher.connectWith(auth(*token)));

    const auto csv = test::makeLeadCsv(8000);
    const QString id = startImport(0, csv);
    REQUIRE(!id.isEmpty());
    REQUIRE(waitUntil([&] { return task(1, id).value(QStringLiteral("stepsDone")).toInt() >= 300; },
                      60s));
    CHECK(watcher.waitForFrame(QStringLiteral("42[\"ai:task:progress\"")));
    cluster.killNode(0);
    // Its lease (15 s) lapses, and one of the others resumes it: every row once.
    QJsonObject done;
    REQUIRE(waitUntil(
        [&] {
            done = task(1, id);
            return done.value(QStringLiteral("status")) == QStringLiteral("completed");
        },
        90s));
    CHECK(done.value(QStringLiteral("attempt")).toInt() == 2);
    CHECK(
        done.value(QStringLiteral("result")).toObject().value(QStringLiteral("imported")).toInt() ==
        8000 - csv.bad);
    const auto leads =
        test::restCall(cluster.nodeUrl(2), *token, "GET", QStringLiteral("/api/records/leads"));
    CHECK(leads.body.toObject().value(QStringLiteral("total")).toInteger() == 8000 - csv.bad);
    CHECK(watcher.waitForFrame(QStringLiteral("42[\"ai:task:completed\"")));

    // A cancel asked on node 2 stops what node 1 runs.
    const QString second = startImport(1, test::makeLeadCsv(20000, QStringLiteral("M")));
    REQUIRE(waitUntil(
        [&] { return task(2, second).value(QStringLiteral("stepsDone")).toInt() >= 100; }, 60s));
    const auto cancel = test::restCall(cluster.nodeUrl(2), *token, "POST",
                                       QStringLiteral("/api/tasks/%1/cancel").arg(second));
    CHECK(cancel.ok());
    CHECK(waitUntil(
        [&] {
            return task(2, second).value(QStringLiteral("status")) == QStringLiteral("cancelled");
        },
        10s));
}

TEST_CASE("Cluster: the stock npm socket.io-client through nginx hears the changes of every node",
          "[cluster][interop]")
{
    if (const QString why = test::NodePeer::unavailableReason(); !why.isEmpty()) {
        WARN(why.toStdString());
        return;
    }
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const auto token =
        cluster.addUserWithToken(QStringLiteral("npm@harbor.test"), QStringLiteral("North"));
    REQUIRE(token);
    QStringList args{cluster.balancerUrl().toString(), *token};
    for (int i = 0; i < cluster.nodeCount(); ++i)
        args.append(cluster.nodeUrl(i).toString());
    const auto run = test::NodePeer::runScript(QStringLiteral("cluster-client.js"), args);
    INFO(run.stderrText.toStdString());
    INFO(QJsonDocument(run.result).toJson().toStdString());
    CHECK(run.exitCode == 0);
    CHECK(run.result.value(QStringLiteral("seqs")).toArray().size() == cluster.nodeCount());
}

TEST_CASE("Cluster: a picture changed on one node and an agent's cancel asked on another reach "
          "the right sockets on every node",
          "[cluster]")
{
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const auto ana =
        cluster.addUserWithToken(QStringLiteral("ana@harbor.test"), QStringLiteral("North"));
    const auto ben =
        cluster.addUserWithToken(QStringLiteral("ben@harbor.test"), QStringLiteral("South"));
    REQUIRE((ana && ben));
    test::RawSioPeer agent(cluster.nodeUrl(0)); // Ana's agent process, on node 0
    REQUIRE(agent.connectWith(auth(*ana)));
    test::RawSioPeer benPeer(cluster.nodeUrl(2)); // a colleague of the brokerage, on node 2
    REQUIRE(benPeer.connectWith(auth(*ben)));

    // Ana's picture, set through node 1: Ben (node 2) hears of it.
    const QByteArray png =
        QByteArray::fromBase64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwA"
                               "EhQGAhKmMIQAAAABJRU5ErkJggg==");
    const auto set =
        test::restCall(cluster.nodeUrl(1), *ana, "PUT", QStringLiteral("/api/me/picture"),
                       {{QStringLiteral("data"), QString::fromLatin1(png.toBase64())}});
    INFO(QJsonDocument(set.body.toObject()).toJson().toStdString());
    REQUIRE(set.ok());
    CHECK(benPeer.waitForFrame(QStringLiteral("42[\"user:picture\"")));

    // An agent's task, started on node 0; Ana cancels it through node 1: the agent's own socket
    // hears the request.
    agent.emitWithAck(5, QStringLiteral("task:start"),
                      QJsonObject{{QStringLiteral("kind"), QStringLiteral("agent")},
                                  {QStringLiteral("title"), QStringLiteral("Write copy")}});
    const QString taskId = agent.ack(5)
                               .toObject()
                               .value(QStringLiteral("task"))
                               .toObject()
                               .value(QStringLiteral("id"))
                               .toString();
    REQUIRE(!taskId.isEmpty());
    const auto cancel = test::restCall(cluster.nodeUrl(1), *ana, "POST",
                                       QStringLiteral("/api/tasks/%1/cancel").arg(taskId));
    CHECK(cancel.ok());
    CHECK(agent.waitForFrame(QStringLiteral("42[\"ai:task:cancel\"")));
}
