#pragma once

// A client core whose only job in a test is its link (the connection badge, SyncStatus): its
// store is in memory unless a profile folder is given, and its token is asked of `token`.
#include "core/clientcore.h"

#include <catch2/catch.hpp>
#include <functional>

namespace crm::test {

inline std::unique_ptr<ClientCore> linkCore(const ConnectionConfig& config,
                                            std::function<QString()> token,
                                            const QString& profileDir = {})
{
    QString error;
    auto store = profileDir.isEmpty() ? LocalStore::open(QStringLiteral(":memory:"), &error)
                                      : LocalStore::openProfile(profileDir, &error);
    REQUIRE(store);
    auto core = std::make_unique<ClientCore>(config, std::move(store));
    core->setTokenSource(std::move(token));
    return core;
}

} // namespace crm::test
