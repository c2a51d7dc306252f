// Sign-in throttling in a cluster behind nginx (real processes, tests/support/clusterfixture.h):
// password guesses spread over the nodes count as if on one, and each client's own address
// counts, not nginx's, so one guesser cannot lock everyone else out.
#include "support/clusterstart.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

const QString kPassword = QStringLiteral("long enough password"); // ClusterFixture's

// POST /api/login to `server`, sent as if by `from` (an X-Forwarded-For nginx extends); the
// HTTP status.
int signIn(const QUrl& server, const QString& email, const QString& password,
           const QString& from = {})
{
    QNetworkAccessManager net;
    QNetworkRequest request(server.resolved(QUrl(QStringLiteral("/api/login"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!from.isEmpty())
        request.setRawHeader(QByteArrayLiteral("X-Forwarded-For"), from.toLatin1());
    std::unique_ptr<QNetworkReply> reply(
        net.post(request, QJsonDocument(QJsonObject{{QStringLiteral("email"), email},
                                                    {QStringLiteral("password"), password}})
                              .toJson(QJsonDocument::Compact)));
    REQUIRE(waitUntil([&] { return reply->isFinished(); }, 30s));
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

} // namespace

TEST_CASE("Cluster sign-ins: wrong passwords spread over three nodes are throttled as on one, "
          "and behind nginx one client's guesses never lock out another's sign-in",
          "[cluster][auth]")
{
    test::ClusterFixture cluster;
    if (!test::startClusterOrSkip(cluster))
        return;
    const QStringList users =
        test::addTeamTokens(cluster, QStringLiteral("t"), QStringLiteral("North"), 2);
    REQUIRE(users.size() == 2);
    const QString guessed = QStringLiteral("t0@harbor.test");

    // Six wrong passwords (five are free), one node after another: the account waits on every
    // node, though no node saw more than two of them.
    for (int i = 0; i < 6; ++i) {
        CHECK(signIn(cluster.nodeUrl(i % 3), guessed, QStringLiteral("guess %1").arg(i)) == 401);
        test::spin(200ms); // the other nodes hear of it over Redis
    }
    for (int node = 0; node < 3; ++node) {
        CAPTURE(node);
        CHECK(signIn(cluster.nodeUrl(node), guessed, kPassword) == 429);
    }

    // Through nginx: guesses at made-up accounts from one address (twenty are free) block that
    // address...
    const QString guesser = QStringLiteral("198.51.100.7");
    for (int i = 0; i < 21; ++i)
        signIn(cluster.balancerUrl(), QStringLiteral("nobody%1@harbor.test").arg(i),
               QStringLiteral("x"), guesser);
    test::spin(300ms);
    CHECK(signIn(cluster.balancerUrl(), QStringLiteral("nobody99@harbor.test"), QStringLiteral("x"),
                 guesser) == 429);
    // ...and nobody else's: a colleague behind the same nginx signs in.
    CHECK(signIn(cluster.balancerUrl(), QStringLiteral("t1@harbor.test"), kPassword,
                 QStringLiteral("198.51.100.8")) == 200);
}
