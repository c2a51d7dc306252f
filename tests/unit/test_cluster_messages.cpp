// What the nodes of a cluster read from their configuration and from each other: every
// malformed input is refused (nullopt, or an error naming the problem), never half-read.
#include "server/cluster/busmessage.h"
#include "server/cluster/redisaddress.h"
#include "server/storage/changeentry.h"
#include "server/sync/presenceregistry.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>

using namespace crm;

TEST_CASE("RedisAddress: redis:// URLs in, clear refusals for anything else", "[cluster]")
{
    QString error;
    const auto full =
        RedisAddress::parse(QStringLiteral("redis://:s3cret@cache.lan:6380/2"), &error);
    REQUIRE(full);
    CHECK(full->host == QStringLiteral("cache.lan"));
    CHECK(full->port == 6380);
    CHECK(full->database == 2);
    CHECK(full->password == QStringLiteral("s3cret"));
    CHECK_FALSE(full->display().contains(QStringLiteral("s3cret")));
    CHECK(full->channel() == "crm-cluster/2");
    const auto plain = RedisAddress::parse(QStringLiteral("redis://127.0.0.1"), &error);
    REQUIRE(plain);
    CHECK(plain->port == 6379);
    CHECK(plain->database == 0);

    const std::pair<const char*, const char*> bad[] = {
        {"http://cache:6379", "is not a redis:// URL"},
        {"redis://", "needs a host"},
        {"redis://cache:6379/16", "is not a Redis database number"},
        {"redis://cache:6379/two", "is not a Redis database number"},
        {"cache:6379", "is not a redis:// URL"},
    };
    for (const auto& [url, why] : bad) {
        INFO(url);
        error.clear();
        CHECK_FALSE(RedisAddress::parse(QString::fromLatin1(url), &error));
        CHECK(error.contains(QString::fromLatin1(why)));
    }
}

TEST_CASE("BusMessage: round trip, and what a node cannot read is dropped", "[cluster]")
{
    const BusMessage sent{BusMessage::Kind::TaskStop,
                          QStringLiteral("node-a"),
                          {{QStringLiteral("taskId"), QStringLiteral("t1")}}};
    const auto back = BusMessage::decode(sent.encode());
    REQUIRE(back);
    CHECK(back->kind == BusMessage::Kind::TaskStop);
    CHECK(back->node == QStringLiteral("node-a"));
    CHECK(back->body == sent.body);

    for (const char* bytes :
         {"", "not json", "[]", R"({"kind":"change","body":{}})",
          R"({"kind":"change","node":"","body":{}})", R"({"kind":"change","node":"n","body":[]})",
          R"({"kind":"teleport","node":"n","body":{}})", R"({"kind":7,"node":"n","body":{}})"}) {
        INFO(bytes);
        CHECK_FALSE(BusMessage::decode(QByteArray(bytes)));
    }
}

TEST_CASE("ChangeEntry between nodes: every member survives, a wrong type refuses the whole",
          "[cluster]")
{
    ChangeEntry e;
    e.brokerageId = QStringLiteral("b1");
    e.seq = 42;
    e.module = QStringLiteral("escrows");
    e.recordId = QStringLiteral("r1");
    e.teamId = QStringLiteral("t1");
    e.ownerId = QStringLiteral("u1");
    e.kind = QStringLiteral("updated");
    e.fields = {
        {QStringLiteral("status"), QJsonObject{{QStringLiteral("old"), QStringLiteral("open")},
                                               {QStringLiteral("new"), QStringLiteral("closed")}}}};
    e.version = 7;
    e.userId = QStringLiteral("u2");
    e.userName = QStringLiteral("Ana Lima (AI)");
    e.agent = QStringLiteral("Escrow assistant");
    e.clientId = QStringLiteral("c1");
    e.mutationId = 9;
    e.at = QStringLiteral("2026-12-02T10:00:00.000Z");
    const auto back = ChangeEntry::fromJson(e.toJson());
    REQUIRE(back);
    CHECK(back->toJson() == e.toJson());

    for (const char* member : {"seq", "brokerageId", "fields", "mutationId", "at"}) {
        INFO(member);
        QJsonObject broken = e.toJson();
        broken.insert(QLatin1String(member), QJsonValue(QJsonArray{}));
        CHECK_FALSE(ChangeEntry::fromJson(broken));
        broken.remove(QLatin1String(member));
        CHECK_FALSE(ChangeEntry::fromJson(broken));
    }
    QJsonObject noSeq = e.toJson();
    noSeq.insert(QStringLiteral("seq"), 0);
    CHECK_FALSE(ChangeEntry::fromJson(noSeq));
}

namespace {

// An agent of team "north" in brokerage "b1".
Identity northAgent(const QString& userId, const QString& name)
{
    Identity agent;
    agent.userId = userId;
    agent.brokerageId = QStringLiteral("b1");
    agent.teamId = QStringLiteral("north");
    agent.displayName = name;
    return agent;
}

} // namespace

TEST_CASE("Presence between nodes: remote sessions count like local ones and leave with their "
          "node",
          "[cluster]")
{
    PresenceRegistry registry;
    const Identity ana = northAgent(QStringLiteral("ana"), QStringLiteral("Ana"));
    const Identity viewer = northAgent(QStringLiteral("ben"), QStringLiteral("Ben"));
    int local = 0;
    registry.join(&local, ana);
    registry.setViewing(&local, QStringLiteral("escrows"), QStringLiteral("r1"),
                        QStringLiteral("north"));

    PresenceRegistry::SessionState remote;
    remote.identity = ana;
    remote.status = PresenceStatus::Busy;
    remote.module = QStringLiteral("escrows");
    remote.recordId = QStringLiteral("r2");
    remote.recordTeam = QStringLiteral("north");
    const auto wire = PresenceRegistry::SessionState::fromJson(remote.toJson());
    REQUIRE(wire);
    registry.setRemote(QStringLiteral("node-b"), QStringLiteral("ana"), {*wire});

    const Presence both = registry.userPresence(QStringLiteral("ana"), viewer);
    CHECK(both.sessions == 2);
    CHECK(both.status == PresenceStatus::Busy); // the most present session wins, wherever
    CHECK(both.viewing.size() == 2);
    CHECK(registry.viewersOf(QStringLiteral("escrows"), QStringLiteral("r2"), QStringLiteral("ben"))
              .size() == 1);
    CHECK(registry.snapshot(viewer).users.size() == 1);

    const auto gone = registry.dropNode(QStringLiteral("node-b"));
    CHECK(gone.value(QStringLiteral("ana")) == QStringLiteral("b1"));
    CHECK(registry.userPresence(QStringLiteral("ana"), viewer).sessions == 1);

    QJsonObject badStatus = remote.toJson();
    badStatus.insert(QStringLiteral("status"), QStringLiteral("offline-ish"));
    CHECK_FALSE(PresenceRegistry::SessionState::fromJson(badStatus));
    QJsonObject noUser = remote.toJson();
    noUser.remove(QStringLiteral("userId"));
    CHECK_FALSE(PresenceRegistry::SessionState::fromJson(noUser));
}

TEST_CASE("Presence sums up a user's sessions as they come and go: count, the most present "
          "status, and what each views",
          "[cluster]")
{
    PresenceRegistry registry;
    const Identity ana = northAgent(QStringLiteral("ana"), QStringLiteral("Ana"));
    const Identity ben = northAgent(QStringLiteral("ben"), QStringLiteral("Ben"));
    Identity outsider = northAgent(QStringLiteral("zed"), QStringLiteral("Zed"));
    outsider.brokerageId = QStringLiteral("b2");
    int laptop = 0, phone = 0, tablet = 0, bens = 0, zeds = 0;
    registry.join(&laptop, ana);
    registry.join(&phone, ana);
    registry.join(&tablet, ana);
    registry.join(&bens, ben);
    registry.join(&zeds, outsider);
    registry.setStatus(&phone, PresenceStatus::Busy);
    registry.setViewing(&laptop, QStringLiteral("escrows"), QStringLiteral("r1"),
                        QStringLiteral("north"));
    registry.setEditing(&laptop, QStringLiteral("status"));
    registry.setViewing(&tablet, QStringLiteral("leads"), QStringLiteral("l9"),
                        QStringLiteral("south")); // another team's record: Ben may not see it

    Presence seen = registry.userPresence(QStringLiteral("ana"), ben);
    CHECK(seen.sessions == 3);
    CHECK(seen.name == QStringLiteral("Ana"));
    CHECK(seen.status == PresenceStatus::Busy);
    REQUIRE(seen.viewing.size() == 1);
    CHECK(seen.viewing.first().id == QStringLiteral("r1"));
    REQUIRE(seen.editing.size() == 1);
    CHECK(seen.editing.first().field == QStringLiteral("status"));
    // The snapshot names each user of the brokerage once, whatever their sessions.
    CHECK(registry.snapshot(ben).users.size() == 2);

    // The busy phone leaves: the status falls back; the laptop closes its record.
    CHECK_FALSE(registry.leave(&phone));
    registry.setViewing(&laptop, {}, {}, {});
    seen = registry.userPresence(QStringLiteral("ana"), ben);
    CHECK(seen.sessions == 2);
    CHECK(seen.status == PresenceStatus::Online);
    CHECK(seen.viewing.isEmpty());
    CHECK(seen.editing.isEmpty());
    // Joining again on a session that is already there counts it once.
    registry.join(&tablet, ana);
    CHECK(registry.userPresence(QStringLiteral("ana"), ben).sessions == 2);
    // The last two leave: offline, and gone from the snapshot.
    CHECK_FALSE(registry.leave(&laptop));
    CHECK(registry.leave(&tablet));
    CHECK_FALSE(registry.leave(&tablet)); // a second leave changes nothing
    seen = registry.userPresence(QStringLiteral("ana"), ben);
    CHECK(seen.sessions == 0);
    CHECK(seen.status == PresenceStatus::Offline);
    CHECK(registry.snapshot(ben).users.size() == 1);
    CHECK(registry.localUsers().size() == 2);
}
