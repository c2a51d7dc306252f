#pragma once

// A desktop profile for client-side tests: its own local store file, connection, REST client and
// sync engine, signed in to an in-process crm-server (see serverfixture.h).
#include "models/syncengine.h"
#include "realtime/restclient.h"
#include "support/serverfixture.h"

namespace crm::test {

// One desktop profile: its own store file, connection, REST client and engine.
struct Profile
{
    Profile(Server& server, const Identity& who, const QString& path)
        : token(server.token(who)), connection(test::fastConnectionConfig(server.url()))
    {
        QString error;
        store = LocalStore::open(path, &error);
        REQUIRE(store);
        rest.setBaseUrl(server.url());
        rest.setBearerToken(token);
        engine = std::make_unique<SyncEngine>(*store, connection, rest);
        connection.setAuthProvider([this] { return engine->authPayload(token); });
        QObject::connect(engine.get(), &SyncEngine::caughtUp, engine.get(),
                         [this] { ++caughtUps; });
    }

    void goOnline()
    {
        const int before = caughtUps;
        connection.start();
        REQUIRE(waitUntil([&] { return caughtUps > before; }));
    }
    bool outboxEmpty() { return store->outbox().isEmpty(); }
    QJsonValue field(const QString& id, const QString& name)
    {
        const auto r = store->record(QStringLiteral("escrows"), id);
        return r ? r->fields.value(name) : QJsonValue(QJsonValue::Undefined);
    }

    QString token;
    ConnectionManager connection;
    RestClient rest;
    std::unique_ptr<LocalStore> store;
    std::unique_ptr<SyncEngine> engine;
    int caughtUps = 0;
};

} // namespace crm::test
