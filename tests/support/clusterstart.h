#pragma once

#include "support/clusterfixture.h"
#include "support/eventloop.h"
#include "support/testdatabases.h"

#include <catch2/catch.hpp>

namespace crm::test {

// Starts the cluster, or says why it cannot run here: a test failure when the suite requires
// PostgreSQL (CI), a warning and false otherwise.
inline bool startClusterOrSkip(ClusterFixture& cluster)
{
    QString why;
    if (cluster.start(&why))
        return true;
    if (postgresRequired())
        FAIL(why.toStdString());
    WARN("cluster tests skipped: " << why.toStdString());
    return false;
}

// `count` new users of `team` (emails PREFIX0@harbor.test, PREFIX1@...), their access tokens.
inline QStringList addTeamTokens(ClusterFixture& cluster, const QString& prefix,
                                 const QString& team, int count)
{
    QStringList tokens;
    for (int i = 0; i < count; ++i) {
        const auto token =
            cluster.addUserWithToken(QStringLiteral("%1%2@harbor.test").arg(prefix).arg(i), team);
        REQUIRE(token);
        tokens.append(*token);
    }
    return tokens;
}

// Waits until the node's /api/ready says the cluster is in `mode` ("live" or "degraded").
inline bool waitForClusterMode(ClusterFixture& cluster, int node, const QString& mode,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20))
{
    const QByteArray wanted = QStringLiteral(R"("mode":"%1")").arg(mode).toUtf8();
    return waitUntil(
        [&] { return cluster.get(node, QStringLiteral("/api/ready")).second.contains(wanted); },
        timeout);
}

} // namespace crm::test
