// crm-server over TLS: https:// and wss:// on one port with a certificate made for the test.
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "server/crmserver.h"
#include "server/http/tlsconfig.h"
#include "server/storage/userdirectory.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"

#include <catch2/catch.hpp>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslSocket>
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

namespace {

// root.pem, intermediate.pem and an EC server certificate (tests/support/make-test-pki.sh).
bool makePki(const QString& dir, const QString& name = QStringLiteral("server"))
{
    QProcess script;
    script.start(QStringLiteral("bash"), {QStringLiteral(CRM_TEST_PKI_SCRIPT), dir, name});
    return script.waitForFinished(60000) && script.exitCode() == 0;
}

// The certificate a TLS client is shown now, and whether it verified, trusting `ca` only.
struct Handshake
{
    bool verified = false;
    QSslCertificate served;
    QString errors;
};

Handshake handshake(quint16 port, const QList<QSslCertificate>& ca)
{
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(ca);
    socket.setSslConfiguration(tls);
    Handshake result;
    QObject::connect(&socket, &QSslSocket::sslErrors, [&](const QList<QSslError>& errors) {
        for (const auto& error : errors)
            result.errors += error.errorString() + u';';
    });
    // The server runs on this thread: wait by running the event loop, never by blocking it.
    bool over = false;
    QObject::connect(&socket, &QSslSocket::encrypted, [&] { over = true; });
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, [&] { over = true; });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    waitUntil([&] { return over; }, 20s);
    result.verified = socket.isEncrypted();
    result.served = socket.peerCertificate();
    return result;
}

std::unique_ptr<CrmServer> tlsServer(const QTemporaryDir& dir, const QString& chain)
{
    auto server = std::make_unique<CrmServer>();
    CrmServerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.port = 0;
    options.tlsCertificate = dir.filePath(chain);
    options.tlsKey = dir.filePath(QStringLiteral("server.key"));
    QString error;
    REQUIRE(server->open(options, &error));
    INFO(error.toStdString());
    REQUIRE(server->listen(&error));
    return server;
}

} // namespace

TEST_CASE("TLS: an EC key and a full chain, the client trusting only the root", "[server][tls]")
{
    QTemporaryDir dir;
    REQUIRE(makePki(dir.path()));
    const auto root = QSslCertificate::fromPath(dir.filePath(QStringLiteral("root.pem")));
    REQUIRE(root.size() == 1);

    SECTION("fullchain.pem: verified through the intermediate the server sends")
    {
        auto server = tlsServer(dir, QStringLiteral("server-fullchain.pem"));
        const Handshake result = handshake(server->port(), root);
        INFO(result.errors.toStdString());
        CHECK(result.verified);

        RestClient rest;
        rest.setBaseUrl(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server->port())));
        QSslConfiguration trusted = QSslConfiguration::defaultConfiguration();
        trusted.setCaCertificates(root);
        rest.setTlsConfiguration(trusted);
        std::optional<RestReply> reply;
        rest.get(QStringLiteral("/api/ready"), [&](const RestReply& r) { reply = r; });
        REQUIRE(waitUntil([&] { return reply.has_value(); }));
        INFO(reply->error.describe().toStdString());
        CHECK(reply->ok());
    }
    SECTION("the server certificate alone: the client cannot build the chain (why fullchain)")
    {
        auto server = tlsServer(dir, QStringLiteral("server.pem"));
        const Handshake result = handshake(server->port(), root);
        CHECK_FALSE(result.verified);
        CHECK(result.errors.contains(QStringLiteral("issuer")));
    }
}

TEST_CASE("TLS: SIGHUP's reload serves a renewed certificate to the next connections, and a "
          "broken renewal keeps the old one",
          "[server][tls]")
{
    QTemporaryDir dir;
    REQUIRE(makePki(dir.path()));
    const auto root = QSslCertificate::fromPath(dir.filePath(QStringLiteral("root.pem")));
    auto server = tlsServer(dir, QStringLiteral("server-fullchain.pem"));
    const QSslCertificate before = handshake(server->port(), root).served;
    REQUIRE_FALSE(before.isNull());

    // certbot renews: new key, new certificate, same file names.
    REQUIRE(makePki(dir.path()));
    QString error;
    REQUIRE(server->reloadTls(&error));
    const Handshake after = handshake(server->port(), root);
    CHECK(after.verified);
    CHECK(after.served.serialNumber() != before.serialNumber());

    // A half-written renewal: the key file is empty. The reload says why; nothing changes.
    QFile key(dir.filePath(QStringLiteral("server.key")));
    REQUIRE(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
    key.close();
    CHECK_FALSE(server->reloadTls(&error));
    CHECK(error.contains(QStringLiteral("server.key")));
    const Handshake kept = handshake(server->port(), root);
    CHECK(kept.verified);
    CHECK(kept.served.serialNumber() == after.served.serialNumber());
}

TEST_CASE("TLS: an encrypted key or a key of another kind is refused with the file's name",
          "[server][tls]")
{
    QTemporaryDir dir;
    REQUIRE(makePki(dir.path()));
    REQUIRE(makeCertificate(dir.path())); // cert.pem with an RSA key.pem
    QString error;
    SECTION("an RSA key for an EC certificate")
    {
        const auto tls = TlsConfig::load(dir.filePath(QStringLiteral("server-fullchain.pem")),
                                         dir.filePath(QStringLiteral("key.pem")), &error);
        CHECK_FALSE(tls);
        CHECK(error.contains(QStringLiteral("does not belong")));
    }
    SECTION("an encrypted key")
    {
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("pkcs8"), QStringLiteral("-topk8"), QStringLiteral("-in"),
                       dir.filePath(QStringLiteral("server.key")), QStringLiteral("-out"),
                       dir.filePath(QStringLiteral("encrypted.key")), QStringLiteral("-passout"),
                       QStringLiteral("pass:secret")});
        REQUIRE((openssl.waitForFinished(30000) && openssl.exitCode() == 0));
        const auto tls = TlsConfig::load(dir.filePath(QStringLiteral("server-fullchain.pem")),
                                         dir.filePath(QStringLiteral("encrypted.key")), &error);
        CHECK_FALSE(tls);
        CHECK(error.contains(QStringLiteral("encrypted")));
    }
    SECTION("not PEM at all")
    {
        QFile junk(dir.filePath(QStringLiteral("junk.pem")));
        REQUIRE(junk.open(QIODevice::WriteOnly));
        junk.write("hello");
        junk.close();
        CHECK_FALSE(TlsConfig::load(dir.filePath(QStringLiteral("junk.pem")),
                                    dir.filePath(QStringLiteral("server.key")), &error));
        CHECK(error.contains(QStringLiteral("junk.pem is not PEM")));
    }
}
