// A record's notes open on several crm-server nodes at once (docs/architecture.md, "Scaling
// out"), all real processes: three nodes, nginx, Redis and PostgreSQL. What one agent types on
// one node reaches colleagues on the others, with Redis and without it; the log both nodes fold
// loses nothing; carets cross nodes; the other team hears nothing.
#include "crdt/awareness.h"
#include "server/sync/notehub.h"
#include "support/clusterstart.h"
#include "support/eventloop.h"
#include "support/notesocket.h"
#include "support/restcall.h"
#include "support/restrecords.h"

#include <catch2/catch.hpp>
#include <random>

using namespace crm;
using namespace std::chrono_literals;
using test::NoteSocket;
using test::statusOf;
using test::waitUntil;

namespace {

// Types `count` characters at random places of the socket's copy, each stored before the next.
void type(NoteSocket& writer, std::mt19937& rng, int count, const QString& letters)
{
    for (int i = 0; i < count; ++i) {
        writer.catchUp();
        const auto at = std::uniform_int_distribution<qsizetype>(0, writer.doc.text().size())(rng);
        REQUIRE(statusOf(writer.send(writer.doc.insert(at, letters.mid(i % letters.size(), 1)))) ==
                u"ok");
    }
}

// Every socket's copy ends equal to the first's: same text, same state vector.
bool converged(std::initializer_list<NoteSocket*> sockets)
{
    for (NoteSocket* s : sockets)
        s->catchUp();
    const NoteSocket& first = **sockets.begin();
    return std::all_of(sockets.begin(), sockets.end(), [&](const NoteSocket* s) {
        return s->doc.text() == first.doc.text() && s->doc.stateVector() == first.doc.stateVector();
    });
}

} // namespace

TEST_CASE("Cluster notes: typed on two nodes at once, past the compaction threshold on both, "
          "every copy ends equal and nothing is lost, with Redis and without it",
          "[cluster][notes]")
{
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const QStringList north =
        test::addTeamTokens(cluster, QStringLiteral("n"), QStringLiteral("North"), 3);
    const auto south =
        cluster.addUserWithToken(QStringLiteral("s@harbor.test"), QStringLiteral("South"));
    REQUIRE(south);
    const QString escrow =
        test::createEscrowOverRest(cluster.balancerUrl(), north[0], QStringLiteral("C-1"));
    const QString module = QStringLiteral("escrows");

    NoteSocket ana(cluster.nodeUrl(0), north[0], 101);
    NoteSocket ben(cluster.nodeUrl(1), north[1], 102);
    NoteSocket outsider(cluster.nodeUrl(1), *south, 103);
    REQUIRE(statusOf(ana.join(module, escrow)) == u"ok");
    REQUIRE(statusOf(ben.join(module, escrow)) == u"ok");
    CHECK(test::codeOf(outsider.join(module, escrow)) == u"not_found");

    // Both type at once, each more than a compaction's worth on its own node: both nodes fold
    // the log while the other is writing into it.
    std::mt19937 rng(20261203);
    const int each = NoteHub::kCompactEvery + 40;
    for (int i = 0; i < each; i += 20) {
        type(ana, rng, 20, QStringLiteral("abcdefghij"));
        type(ben, rng, 20, QStringLiteral("KLMNOPQRST"));
    }
    REQUIRE(waitUntil([&] { return converged({&ana, &ben}); }, 20s));
    CHECK(ana.doc.text().size() == 2 * each);
    CHECK(outsider.heard(QStringLiteral("note:update")).isEmpty());

    // What the database holds, read by a node nobody typed on: every character.
    const QString path = QStringLiteral("/api/notes/escrows/") + escrow;
    const auto stored = test::restCall(cluster.nodeUrl(2), north[2], "GET", path);
    REQUIRE(stored.httpStatus == 200);
    CHECK(stored.body.toObject().value(QStringLiteral("text")).toString() == ana.doc.text());

    // Carets cross nodes too.
    crdt::Awareness anaCaret(101);
    const QJsonObject caret{
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Ana")}}}};
    REQUIRE(statusOf(ana.send(anaCaret.setLocalState(caret, 0),
                              QStringLiteral("note:awareness"))) == u"ok");
    REQUIRE(waitUntil([&] { return !ben.heard(QStringLiteral("note:awareness")).isEmpty(); }));
    crdt::Awareness benView(102);
    REQUIRE(std::holds_alternative<crdt::Awareness::Change>(
        benView.apply(ben.heard(QStringLiteral("note:awareness")).last().update, 0)));
    CHECK(benView.states().at(101) == caret);

    // Redis gone: the nodes read each other's updates from the database (five times a second).
    cluster.killRedis();
    REQUIRE(test::waitForClusterMode(cluster, 1, QStringLiteral("degraded"), 10s));
    type(ana, rng, 15, QStringLiteral("uvwxy"));
    type(ben, rng, 15, QStringLiteral("UVWXY"));
    REQUIRE(waitUntil([&] { return converged({&ana, &ben}); }, 20s));
    CHECK(ana.doc.text().size() == 2 * each + 30);

    // A colleague joining on the third node meanwhile gets it all; Redis back, all goes on.
    NoteSocket cleo(cluster.nodeUrl(2), north[2], 104);
    REQUIRE(statusOf(cleo.join(module, escrow)) == u"ok");
    CHECK(cleo.doc.text() == ana.doc.text());
    REQUIRE(cluster.startRedis());
    REQUIRE(test::waitForClusterMode(cluster, 1, QStringLiteral("live"), 20s));
    type(cleo, rng, 10, QStringLiteral("0123456789"));
    type(ana, rng, 10, QStringLiteral("abcde"));
    REQUIRE(waitUntil([&] { return converged({&ana, &ben, &cleo}); }, 20s));
    CHECK(ana.doc.text().size() == 2 * each + 50);
    CHECK(outsider.heard(QStringLiteral("note:update")).isEmpty());
}

TEST_CASE("Cluster notes: an agent whose node dies rejoins on another that had not heard what it "
          "typed there, and goes on from it without a refusal or a lost character",
          "[cluster][notes]")
{
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const QStringList north =
        test::addTeamTokens(cluster, QStringLiteral("n"), QStringLiteral("North"), 2);
    const QString& ana = north[0];
    const QString& ben = north[1];
    const QString escrow =
        test::createEscrowOverRest(cluster.balancerUrl(), ana, QStringLiteral("C-2"));
    const QString module = QStringLiteral("escrows");

    // Ben holds the note open on node 1; Redis is away, so node 1 hears of node 0's updates
    // only from its polls.
    NoteSocket benSocket(cluster.nodeUrl(1), ben, 202);
    REQUIRE(statusOf(benSocket.join(module, escrow)) == u"ok");
    cluster.killRedis();
    REQUIRE(test::waitForClusterMode(cluster, 1, QStringLiteral("degraded"), 10s));
    crdt::TextDocument anaDoc(201);
    {
        NoteSocket first(cluster.nodeUrl(0), ana, 201);
        REQUIRE(statusOf(first.join(module, escrow)) == u"ok");
        REQUIRE(statusOf(first.send(first.doc.insert(0, u"Inspection late."))) == u"ok");
        anaDoc.apply(first.doc.encodeStateAsUpdate());
        cluster.killNode(0);
    }
    // At once on node 1, before its next poll: an edit that builds on the text node 0 stored.
    NoteSocket second(cluster.nodeUrl(1), ana, 201);
    second.doc.apply(anaDoc.encodeStateAsUpdate());
    REQUIRE(statusOf(second.join(module, escrow)) == u"ok");
    REQUIRE(statusOf(second.send(second.doc.insert(16, u" Call Tom."))) == u"ok");
    REQUIRE(waitUntil([&] { return converged({&second, &benSocket}); }, 20s));
    CHECK(benSocket.doc.text() == QStringLiteral("Inspection late. Call Tom."));
}
