// crm-server over TLS: https:// and wss:// on one port with a certificate made for the test.
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "server/crmserver.h"
#include "server/storage/userdirectory.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"

#include <catch2/catch.hpp>
#include <QProcess>
#include <QSslCertificate>
#include <QTemporaryDir>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

// A self-signed certificate for 127.0.0.1, made with the openssl command line.
bool makeCertificate(const QString& dir)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   dir + QStringLiteral("/key.pem"), QStringLiteral("-out"),
                   dir + QStringLiteral("/cert.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
    return openssl.waitForFinished(60000) && openssl.exitCode() == 0;
}

} // namespace

TEST_CASE("TLS: REST and the socket work over https/wss, an untrusted certificate is refused",
          "[server][tls]")
{
    QTemporaryDir dir;
    REQUIRE(makeCertificate(dir.path()));
    CrmServer server;
    CrmServerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.port = 0;
    options.tlsCertificate = dir.filePath(QStringLiteral("cert.pem"));
    options.tlsKey = dir.filePath(QStringLiteral("key.pem"));
    QString error;
    REQUIRE(server.open(options, &error));
    REQUIRE(server.listen(&error));
    const QString brokerage = server.users().addBrokerage(QStringLiteral("Harbor Realty"));
    const auto id = server.users().addUser(
        brokerage, server.users().addTeam(brokerage, QStringLiteral("North")),
        QStringLiteral("ana@harbor.test"), QStringLiteral("Ana"), Identity::Role::Agent,
        QStringLiteral("long enough password"), &error);
    REQUIRE(id);
    const QString token = server.tokens().issue(server.users().findById(*id)->identity).accessToken;
    const QUrl url(QStringLiteral("https://127.0.0.1:%1").arg(server.port()));

    QSslConfiguration trusted = QSslConfiguration::defaultConfiguration();
    trusted.setCaCertificates(QSslCertificate::fromPath(dir.filePath(QStringLiteral("cert.pem"))));

    SECTION("trusted")
    {
        RestClient rest;
        rest.setBaseUrl(url);
        rest.setTlsConfiguration(trusted);
        std::optional<RestReply> reply;
        rest.get(QStringLiteral("/api/health"), [&](const RestReply& r) { reply = r; });
        REQUIRE(waitUntil([&] { return reply.has_value(); }));
        INFO(reply->error.describe().toStdString());
        CHECK(reply->ok());

        auto config = test::fastConnectionConfig(url);
        config.tls = trusted;
        ConnectionManager manager(config);
        manager.setAuthProvider([token] { return QJsonObject{{QStringLiteral("token"), token}}; });
        manager.start();
        REQUIRE(waitUntil([&] { return manager.state() == ConnectionState::Online; }));
        CHECK(config.socketUrl().scheme() == QStringLiteral("wss"));
    }
    SECTION("untrusted")
    {
        ConnectionManager manager(test::fastConnectionConfig(url));
        manager.setAuthProvider([token] { return QJsonObject{{QStringLiteral("token"), token}}; });
        manager.start();
        REQUIRE(waitUntil([&] { return manager.state() == ConnectionState::Reconnecting; }));
        CHECK(manager.lastError().startsWith(QStringLiteral("Cannot reach the server")));
    }
}

TEST_CASE("TLS: unreadable or broken key material is a clear startup error", "[server][tls]")
{
    QTemporaryDir dir;
    CrmServer server;
    CrmServerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.port = 0;
    options.tlsCertificate = dir.filePath(QStringLiteral("missing.pem"));
    options.tlsKey = dir.filePath(QStringLiteral("missing-key.pem"));
    QString error;
    REQUIRE(server.open(options, &error));
    CHECK_FALSE(server.listen(&error));
    CHECK(error.contains(QStringLiteral("TLS")));
}
