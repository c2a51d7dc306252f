#pragma once

// One client profile (store file, connection, REST client, sync engine) against a crm-server
// running as a process of its own: the convergence test and the backlog benchmark.
#include "core/localstore.h"
#include "core/syncengine.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"

#include <memory>
#include <QObject>

namespace crm::test {

struct ProcessClient
{
    ProcessClient(const ConnectionConfig& config, const QString& accessToken, const QString& path)
        : token(accessToken), connection(config)
    {
        QString error;
        store = LocalStore::open(path, &error);
        if (!store)
            qFatal("cannot open %s: %s", qPrintable(path), qPrintable(error));
        rest.setBaseUrl(config.serverUrl);
        rest.setBearerToken(token);
        engine = std::make_unique<SyncEngine>(*store, connection, rest);
        connection.setAuthProvider([this] { return engine->authPayload(token); });
        QObject::connect(engine.get(), &SyncEngine::caughtUp, engine.get(),
                         [this] { caughtUp = true; });
    }
    // Online, caught up, nothing on the wire, nothing queued.
    bool settled()
    {
        return connection.state() == ConnectionState::Online && caughtUp &&
               engine->inFlightCount() == 0 && store->outbox().count() == 0;
    }

    QString token;
    ConnectionManager connection;
    RestClient rest;
    std::unique_ptr<LocalStore> store;
    std::unique_ptr<SyncEngine> engine;
    bool caughtUp = false;
};

} // namespace crm::test
