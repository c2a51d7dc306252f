// crm-server in-process: our ConnectionManager and RestClient against the real sync hub and API.
#include "realtime/restclient.h"
#include "support/serverfixture.h"

#include <catch2/catch.hpp>
#include <memory>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QUuid>

using namespace crm;
using namespace std::chrono_literals;
using test::Agent;
using test::newId;
using test::Server;
using test::waitUntil;

namespace {

const QJsonObject kEscrow{{QStringLiteral("number"), QStringLiteral("ESC-2001")},
                          {QStringLiteral("purchasePrice"), 880000},
                          {QStringLiteral("myCommission"), 22000},
                          {QStringLiteral("status"), QStringLiteral("open")}};

QString status(const QJsonObject& result)
{
    return result.value(QStringLiteral("status")).toString();
}

} // namespace

TEST_CASE("Sync: a teammate sees the change at once, the other team sees nothing, masking holds",
          "[server][sync]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    Server s(std::chrono::seconds(900), {}, backend);
    if (s.skipped)
        return;
    Agent ana(s, s.ana, QStringLiteral("ana-1")), ben(s, s.ben, QStringLiteral("ben-1")),
        cleo(s, s.cleo, QStringLiteral("cleo-1")), dee(s, s.dee, QStringLiteral("dee-1"));
    for (Agent* a : {&ana, &ben, &cleo, &dee})
        a->connect();

    const QString id = newId();
    const auto result = ana.create(id, kEscrow);
    REQUIRE(status(result) == QStringLiteral("applied"));
    REQUIRE(waitUntil([&] {
        return ben.has(QStringLiteral("escrow:created")) &&
               dee.has(QStringLiteral("escrow:created"));
    }));
    const auto forBen = ben.last(QStringLiteral("escrow:created"));
    CHECK(forBen.value(QStringLiteral("id")) == id);
    CHECK(forBen.value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("purchasePrice"))
              .toInt() == 880000);
    CHECK_FALSE(
        forBen.value(QStringLiteral("fields")).toObject().contains(QStringLiteral("myCommission")));
    CHECK(forBen.value(QStringLiteral("masked")).toArray() ==
          QJsonArray{QStringLiteral("myCommission")});
    CHECK(forBen.value(QStringLiteral("clientId")) == QStringLiteral("ana-1"));
    CHECK(forBen.value(QStringLiteral("by")).toObject().value(QStringLiteral("name")) ==
          QStringLiteral("ana"));
    CHECK(dee.last(QStringLiteral("escrow:created"))
              .value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("myCommission"))
              .toInt() == 22000);
    // The author hears its own change too (it recognises it by clientId / mutationId).
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("escrow:created")); }));

    // Only the changed fields travel.
    REQUIRE(status(ben.update(id, 1, {{QStringLiteral("status"), QStringLiteral("pending")}})) ==
            QStringLiteral("applied"));
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("escrow:updated")); }));
    CHECK(ana.last(QStringLiteral("escrow:updated")).value(QStringLiteral("fields")).toObject() ==
          QJsonObject{{QStringLiteral("status"), QStringLiteral("pending")}});
    CHECK(ana.last(QStringLiteral("escrow:updated")).value(QStringLiteral("version")).toInt() == 2);

    test::spin(300ms);
    CHECK_FALSE(cleo.has(QStringLiteral("escrow:created")));
    CHECK_FALSE(cleo.has(QStringLiteral("escrow:updated")));
}

TEST_CASE("Sync: catch-up after a disconnect delivers every missed change exactly once, in order",
          "[server][sync][replay]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    Server s(std::chrono::seconds(900), {}, backend);
    if (s.skipped)
        return;
    Agent ana(s, s.ana, QStringLiteral("ana-1")), ben(s, s.ben, QStringLiteral("ben-1"));
    ana.connect();
    ben.connect();
    const QString id = newId();
    REQUIRE(status(ana.create(id, kEscrow)) == QStringLiteral("applied"));
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("escrow:created")); }));
    const qint64 benSeen = ben.since;
    CHECK(benSeen == 1);

    ben.manager.stop();
    for (int i = 0; i < 250; ++i) // more than one replay batch
        REQUIRE(status(ana.update(id, 1 + i, {{QStringLiteral("purchasePrice"), 880001 + i}})) ==
                QStringLiteral("applied"));
    ben.events.clear();
    ben.manager.start();
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("sync:caught-up")); }));

    QList<qint64> seqs;
    for (const auto& [event, payload] : ben.events) {
        if (event != QStringLiteral("sync:changes"))
            continue;
        for (const auto& change : payload.value(QStringLiteral("changes")).toArray())
            seqs.append(change.toObject().value(QStringLiteral("seq")).toInteger());
    }
    REQUIRE(seqs.size() == 250);
    for (int i = 0; i < seqs.size(); ++i)
        CHECK(seqs[i] == benSeen + 1 + i);
    CHECK(ben.count(QStringLiteral("sync:changes")) == 2); // batches of 200
    CHECK(ben.last(QStringLiteral("sync:caught-up")).value(QStringLiteral("seq")).toInteger() ==
          251);
    CHECK_FALSE(ben.has(QStringLiteral("escrow:updated"))); // nothing twice through the live path
}

TEST_CASE("Sync: a client ahead of the server is told to re-bootstrap", "[server][sync][replay]")
{
    Server s;
    Agent ben(s, s.ben, QStringLiteral("ben-1"));
    ben.since = 999;
    ben.manager.start();
    REQUIRE(waitUntil([&] { return ben.has(QStringLiteral("sync:rebootstrap")); }));
    CHECK(ben.last(QStringLiteral("sync:rebootstrap")).value(QStringLiteral("seq")).toInt() == 0);
}

TEST_CASE("Sync: a resent mutation is answered duplicate and fanned out once",
          "[server][sync][mutations]")
{
    const QString backend =
        GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
    Server s(std::chrono::seconds(900), {}, backend);
    if (s.skipped)
        return;
    Agent ana(s, s.ana, QStringLiteral("ana-1")), ben(s, s.ben, QStringLiteral("ben-1"));
    ana.connect();
    ben.connect();
    const QJsonObject mutation{{QStringLiteral("module"), QStringLiteral("escrows")},
                               {QStringLiteral("op"), QStringLiteral("create")},
                               {QStringLiteral("id"), newId()},
                               {QStringLiteral("mutationId"), 1},
                               {QStringLiteral("fields"), kEscrow}};
    const auto first = ana.mutate(mutation);
    REQUIRE(status(first) == QStringLiteral("applied"));
    // As after a lost ack: the same mutation again, on a new link.
    ana.manager.stop();
    ana.manager.start();
    REQUIRE(waitUntil([&] { return ana.manager.state() == ConnectionState::Online; }));
    const auto again = ana.mutate(mutation);
    CHECK(status(again) == QStringLiteral("duplicate"));
    CHECK(again.value(QStringLiteral("original")).toObject() == first);
    test::spin(300ms);
    CHECK(ben.count(QStringLiteral("escrow:created")) == 1);
}

TEST_CASE("Sync: concurrent edits over sockets merge or conflict field by field",
          "[server][sync][conflicts]")
{
    Server s;
    Agent ana(s, s.ana, QStringLiteral("ana-1")), ben(s, s.ben, QStringLiteral("ben-1"));
    ana.connect();
    ben.connect();
    const QString id = newId();
    REQUIRE(status(ana.create(id, kEscrow)) == QStringLiteral("applied"));
    REQUIRE(status(ana.update(id, 1, {{QStringLiteral("purchasePrice"), 900000}})) ==
            QStringLiteral("applied"));
    CHECK(status(ben.update(id, 1, {{QStringLiteral("status"), QStringLiteral("closing")}})) ==
          QStringLiteral("applied"));
    const auto conflict = ben.update(id, 1, {{QStringLiteral("purchasePrice"), 870000}});
    REQUIRE(status(conflict) == QStringLiteral("conflict"));
    const auto field = conflict.value(QStringLiteral("conflicts")).toArray().first().toObject();
    CHECK(field.value(QStringLiteral("base")).toInt() == 880000);
    CHECK(field.value(QStringLiteral("theirs")).toInt() == 900000);
    CHECK(field.value(QStringLiteral("mine")).toInt() == 870000);
}

TEST_CASE("Sync: bad mutate requests get typed answers and the connection stays",
          "[server][sync][robustness]")
{
    Server s;
    Agent ana(s, s.ana, QStringLiteral("ana-1"));
    ana.connect();
    auto answer = [&](const QJsonArray& args) {
        std::optional<AckOutcome> outcome;
        ana.manager.emitWithAck(QStringLiteral("mutate"), args,
                                [&](const AckOutcome& o) { outcome = o; });
        REQUIRE(waitUntil([&] { return outcome.has_value(); }));
        return outcome->args.first()
            .toObject()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    };
    CHECK(answer({}) == QStringLiteral("bad_request"));
    CHECK(answer({1, 2}) == QStringLiteral("bad_request"));
    CHECK(answer({QStringLiteral("text")}) == QStringLiteral("bad_request"));
    CHECK(answer({QJsonObject{{QStringLiteral("op"), QStringLiteral("explode")}}}) ==
          QStringLiteral("bad_request"));
    CHECK(answer({QJsonObject{{QStringLiteral("module"), QStringLiteral("escrows")},
                              {QStringLiteral("op"), QStringLiteral("create")},
                              {QStringLiteral("id"), newId()},
                              {QStringLiteral("mutationId"), -4}}}) ==
          QStringLiteral("bad_request"));
    CHECK(answer({QJsonObject{{QStringLiteral("module"), QStringLiteral("yachts")},
                              {QStringLiteral("op"), QStringLiteral("create")},
                              {QStringLiteral("id"), newId()},
                              {QStringLiteral("mutationId"), 1}}}) ==
          QStringLiteral("unknown_module"));
    CHECK(
        answer({QJsonObject{{QStringLiteral("module"), QStringLiteral("escrows")},
                            {QStringLiteral("op"), QStringLiteral("create")},
                            {QStringLiteral("id"), newId()},
                            {QStringLiteral("mutationId"), 1},
                            {QStringLiteral("fields"), QJsonObject{{QStringLiteral("escrowCompany"),
                                                                    QString(70000, u'x')}}}}}) ==
        QStringLiteral("too_large"));
    CHECK(ana.manager.emitEvent(QStringLiteral("mutate"), {QJsonObject{}})); // no ack asked
    REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("protocol:error")); }));
    CHECK(ana.manager.state() == ConnectionState::Online);
}

TEST_CASE("Sync: tokens are checked at CONNECT and an expiring session is told and closed",
          "[server][sync][auth]")
{
    SECTION("missing, forged and disabled")
    {
        Server s;
        for (const auto& [token, code] :
             {std::pair{QString(), QStringLiteral("auth_missing")},
              std::pair{QStringLiteral("forged.token.here"), QStringLiteral("auth_invalid")}}) {
            ConnectionManager manager(test::fastConnectionConfig(s.url()));
            QString refusal;
            QObject::connect(&manager, &ConnectionManager::connectErrorReceived, &manager,
                             [&](const QString&, const QJsonObject& data) {
                                 refusal = data.value(QStringLiteral("code")).toString();
                             });
            const QString t = token;
            manager.setAuthProvider([t] { return QJsonObject{{QStringLiteral("token"), t}}; });
            manager.start();
            REQUIRE(waitUntil([&] { return manager.state() == ConnectionState::AuthRequired; }));
            CHECK(refusal == code);
        }
        const QString benToken = s.token(s.ben);
        s.server.users().setDisabled(QStringLiteral("ben@harbor.test"), true);
        ConnectionManager manager(test::fastConnectionConfig(s.url()));
        manager.setAuthProvider([benToken] {
            return QJsonObject{{QStringLiteral("token"), benToken}};
        });
        manager.start();
        REQUIRE(waitUntil([&] { return manager.state() == ConnectionState::AuthRequired; }));
    }
    SECTION("expiry")
    {
        // JWT expiry has whole-second resolution: 2 s leaves at least one to connect in.
        Server s(std::chrono::seconds(2));
        Agent ana(s, s.ana, QStringLiteral("ana-1"));
        QString refusal;
        QObject::connect(&ana.manager, &ConnectionManager::connectErrorReceived, &ana.manager,
                         [&](const QString&, const QJsonObject& data) {
                             refusal = data.value(QStringLiteral("code")).toString();
                         });
        ana.connect();
        REQUIRE(waitUntil([&] { return ana.has(QStringLiteral("auth:expired")); }, 8s));
        REQUIRE(waitUntil([&] { return ana.manager.state() == ConnectionState::AuthRequired; }));
        CHECK(refusal == QStringLiteral("auth_expired"));
        // The session layer refreshes and reconnects.
        ana.token = s.token(s.ana);
        ana.manager.reconnectNow();
        REQUIRE(waitUntil([&] { return ana.manager.state() == ConnectionState::Online; }));
    }
}

TEST_CASE("REST: login, records with masking, mutations with Idempotency-Key and If-Match",
          "[server][rest]")
{
    // A login hashes a password on the server's thread: Ben's socket must not time out meanwhile.
    Server s(std::chrono::seconds(900), {}, QStringLiteral("sqlite"), {}, 2s);
    Agent ben(s, s.ben, QStringLiteral("ben-1"));
    ben.connect();
    RestClient rest;
    rest.setBaseUrl(s.url());
    auto call = [&](const std::function<void(RestClient::Callback)>& request) {
        std::optional<RestReply> reply;
        request([&](const RestReply& r) { reply = r; });
        REQUIRE(waitUntil([&] { return reply.has_value(); }));
        return *reply;
    };

    auto reply = call([&](auto cb) {
        rest.post(QStringLiteral("/api/login"),
                  QJsonObject{{QStringLiteral("email"), QStringLiteral("ana@harbor.test")},
                              {QStringLiteral("password"), QStringLiteral("nope")}},
                  cb);
    });
    CHECK(reply.error.httpStatus == 401);
    CHECK(reply.error.code == QStringLiteral("invalid_credentials"));
    reply = call([&](auto cb) {
        rest.post(QStringLiteral("/api/login"),
                  QJsonObject{{QStringLiteral("email"), QStringLiteral("ana@harbor.test")},
                              {QStringLiteral("password"), QStringLiteral("long enough password")}},
                  cb);
    });
    REQUIRE(reply.ok());
    const QString refreshToken =
        reply.body.toObject().value(QStringLiteral("refreshToken")).toString();
    rest.setBearerToken(reply.body.toObject().value(QStringLiteral("accessToken")).toString());

    const QString id = newId();
    RestClient::RequestOptions create;
    create.idempotencyKey = QStringLiteral("ana-rest:1");
    reply = call([&](auto cb) {
        rest.post(QStringLiteral("/api/records/escrows"),
                  QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("fields"), kEscrow}}, cb,
                  create);
    });
    REQUIRE(reply.httpStatus == 201);
    CHECK(reply.etag == QStringLiteral("\"1\""));
    REQUIRE(waitUntil(
        [&] { return ben.has(QStringLiteral("escrow:created")); })); // REST changes stream too
    reply = call([&](auto cb) {
        rest.post(QStringLiteral("/api/records/escrows"),
                  QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("fields"), kEscrow}}, cb,
                  create);
    });
    CHECK(reply.body.toObject().value(QStringLiteral("status")) == QStringLiteral("duplicate"));

    RestClient::RequestOptions patch;
    patch.idempotencyKey = QStringLiteral("ana-rest:2");
    patch.ifMatch = QStringLiteral("\"1\"");
    reply = call([&](auto cb) {
        rest.patch(
            QStringLiteral("/api/records/escrows/") + id,
            QJsonObject{{QStringLiteral("fields"),
                         QJsonObject{{QStringLiteral("status"), QStringLiteral("pending")}}}},
            cb, patch);
    });
    CHECK(reply.httpStatus == 200);
    CHECK(reply.etag == QStringLiteral("\"2\""));
    // The same If-Match from another client (Ana's phone): the status changed since version 1
    // by someone other than this client, so it conflicts. (From "ana-rest" itself it would not:
    // a client's own changes since its base never conflict.)
    patch.idempotencyKey = QStringLiteral("ana-phone:1");
    reply = call([&](auto cb) {
        rest.patch(QStringLiteral("/api/records/escrows/") + id,
                   QJsonObject{{QStringLiteral("fields"),
                                QJsonObject{{QStringLiteral("status"), QStringLiteral("closed")}}}},
                   cb, patch);
    });
    CHECK(reply.httpStatus == 409);
    patch.idempotencyKey = QStringLiteral("ana-rest:4");
    reply = call([&](auto cb) {
        rest.patch(
            QStringLiteral("/api/records/escrows/") + id,
            QJsonObject{{QStringLiteral("fields"),
                         QJsonObject{{QStringLiteral("status"), QStringLiteral("someday")}}}},
            cb, patch);
    });
    CHECK(reply.httpStatus == 422);
    CHECK(reply.body.toObject()
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("not_in_enum"));

    // Ben (same team, not the owner) lists it with the commission masked; Cleo cannot see it.
    RestClient benRest;
    benRest.setBaseUrl(s.url());
    benRest.setBearerToken(s.token(s.ben));
    reply = call([&](auto cb) { benRest.get(QStringLiteral("/api/records/escrows"), cb); });
    REQUIRE(reply.ok());
    const auto items = reply.body.toObject().value(QStringLiteral("items")).toArray();
    REQUIRE(items.size() == 1);
    CHECK(items[0]
              .toObject()
              .value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("myCommission"))
              .isNull());
    CHECK(reply.body.toObject().value(QStringLiteral("seq")).toInt() == 2);
    reply = call([&](auto cb) {
        benRest.get(QStringLiteral("/api/changes"), cb,
                    {QString(), QString(), QUrlQuery(QStringLiteral("since=0"))});
    });
    CHECK(reply.body.toObject().value(QStringLiteral("changes")).toArray().size() == 2);
    CHECK_FALSE(reply.body.toObject()
                    .value(QStringLiteral("changes"))
                    .toArray()[0]
                    .toObject()
                    .value(QStringLiteral("fields"))
                    .toObject()
                    .contains(QStringLiteral("myCommission")));

    RestClient cleoRest;
    cleoRest.setBaseUrl(s.url());
    cleoRest.setBearerToken(s.token(s.cleo));
    reply = call([&](auto cb) { cleoRest.get(QStringLiteral("/api/records/escrows/") + id, cb); });
    CHECK(reply.error.httpStatus == 404);
    reply = call([&](auto cb) { cleoRest.get(QStringLiteral("/api/records/escrows"), cb); });
    CHECK(reply.body.toObject().value(QStringLiteral("items")).toArray().isEmpty());

    // Bad input of every kind.
    RestClient anonymous;
    anonymous.setBaseUrl(s.url());
    CHECK(call([&](auto cb) {
              anonymous.get(QStringLiteral("/api/records/escrows"), cb);
          }).error.code == QStringLiteral("auth_missing"));
    CHECK(call([&](auto cb) {
              rest.get(QStringLiteral("/api/records/yachts"), cb);
          }).error.httpStatus == 404);
    CHECK(call([&](auto cb) {
              rest.post(QStringLiteral("/api/records/escrows"), QJsonArray{1}, cb);
          }).error.code == QStringLiteral("bad_json"));
    CHECK(call([&](auto cb) {
              rest.post(QStringLiteral("/api/records/escrows"),
                        QJsonObject{{QStringLiteral("x"), QString(1100000, u'x')}}, cb);
          }).error.httpStatus == 413);
    CHECK(call([&](auto cb) { rest.remove(QStringLiteral("/api/login"), cb); }).error.httpStatus ==
          405);

    // Refresh rotates; logout revokes.
    reply = call([&](auto cb) {
        rest.post(QStringLiteral("/api/token/refresh"),
                  QJsonObject{{QStringLiteral("refreshToken"), refreshToken}}, cb);
    });
    REQUIRE(reply.ok());
    const QString rotated = reply.body.toObject().value(QStringLiteral("refreshToken")).toString();
    CHECK(call([&](auto cb) {
              rest.post(QStringLiteral("/api/logout"),
                        QJsonObject{{QStringLiteral("refreshToken"), rotated}}, cb);
          }).httpStatus == 204);
    CHECK(call([&](auto cb) {
              rest.post(QStringLiteral("/api/token/refresh"),
                        QJsonObject{{QStringLiteral("refreshToken"), rotated}}, cb);
          }).error.httpStatus == 401);
    CHECK(call([&](auto cb) { rest.get(QStringLiteral("/api/health"), cb); })
              .body.toObject()
              .value(QStringLiteral("connections"))
              .toInt() == 1);
}
