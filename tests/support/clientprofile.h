#pragma once

// A desktop profile for client-side tests: its own local store file and client core, signed in to
// an in-process crm-server (see serverfixture.h).
#include "core/clientcore.h"
#include "support/serverfixture.h"

namespace crm::test {

// One desktop profile: its own store file and client core (connection, REST client, engine).
struct Profile
{
    Profile(Server& server, const Identity& who, const QString& path)
        : token(server.token(who)), core(openCore(server.url(), path)),
          connection(core->connection()), rest(core->rest()), store(&core->store()),
          engine(&core->engine())
    {
        core->setTokenSource([this] { return token; });
        QObject::connect(core.get(), &ClientCore::caughtUp, core.get(), [this] { ++caughtUps; });
    }

    // Its lambdas hold `this`, and its references point into the core: never copied or moved.
    Profile(const Profile&) = delete;
    Profile& operator=(const Profile&) = delete;

    static std::unique_ptr<ClientCore> openCore(const QUrl& url, const QString& path)
    {
        QString error;
        auto store = LocalStore::open(path, &error);
        REQUIRE(store);
        return std::make_unique<ClientCore>(test::fastConnectionConfig(url), std::move(store));
    }

    void goOnline()
    {
        const int before = caughtUps;
        core->start();
        REQUIRE(waitUntil([&] { return caughtUps > before; }));
    }
    bool outboxEmpty() { return store->outbox().entries().isEmpty(); }
    QJsonValue field(const QString& id, const QString& name)
    {
        const auto r = store->cache().record(QStringLiteral("escrows"), id);
        return r ? r->fields.value(name) : QJsonValue(QJsonValue::Undefined);
    }

    QString token;
    std::unique_ptr<ClientCore> core;
    ConnectionManager& connection;
    RestClient& rest;
    LocalStore* store;
    SyncEngine* engine;
    int caughtUps = 0;
};

} // namespace crm::test
