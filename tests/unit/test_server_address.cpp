// How private the link to a server is: plain http:// elsewhere is said; a brokerage's own CA can
// be trusted from a PEM file.
#include "common/serveraddress.h"

#include <catch2/catch.hpp>
#include <QFile>
#include <QProcess>
#include <QSslConfiguration>
#include <QTemporaryDir>

using namespace crm;

TEST_CASE("Plain http:// is unencrypted when the server is another machine", "[address]")
{
    for (const char* url : {"http://crm.example.com", "http://10.0.0.5:8787", "ws://crm.lan",
                            "HTTP://Crm.Example.com/api", "http://[2001:db8::1]:8787"}) {
        INFO(url);
        CHECK(ServerAddress::isUnencryptedRemote(QUrl(QString::fromLatin1(url))));
    }
    for (const char* url : {"https://crm.example.com", "wss://crm.example.com",
                            "http://127.0.0.1:8787", "http://127.1.2.3", "http://localhost:8787",
                            "http://[::1]:8787", "http://app.localhost"}) {
        INFO(url);
        CHECK_FALSE(ServerAddress::isUnencryptedRemote(QUrl(QString::fromLatin1(url))));
    }
    const QString warning =
        ServerAddress::unencryptedWarning(QUrl(QStringLiteral("http://ana:pw@crm.lan/x?token=t")));
    CHECK(warning.contains(QStringLiteral("http://crm.lan")));
    CHECK_FALSE(warning.contains(QStringLiteral("pw")));
    CHECK_FALSE(warning.contains(QStringLiteral("token")));
}

TEST_CASE("A CA file adds its authorities to what every connection trusts, or says why not",
          "[address]")
{
    QTemporaryDir dir;
    QString error;
    CHECK_FALSE(ServerAddress::trustCertificateAuthorities(dir.filePath(QStringLiteral("none.pem")),
                                                           &error));
    CHECK(error.contains(QStringLiteral("cannot read")));

    QFile junk(dir.filePath(QStringLiteral("junk.pem")));
    REQUIRE(junk.open(QIODevice::WriteOnly));
    junk.write("not a certificate\n");
    junk.close();
    CHECK_FALSE(ServerAddress::trustCertificateAuthorities(junk.fileName(), &error));
    CHECK(error.contains(QStringLiteral("holds no PEM certificate")));

    // The test CA of tests/support/make-test-pki.sh (openssl).
    QProcess script;
    script.start(QStringLiteral("bash"), {QStringLiteral(CRM_TEST_PKI_SCRIPT), dir.path()});
    REQUIRE((script.waitForFinished(60000) && script.exitCode() == 0));
    const qsizetype before = QSslConfiguration::defaultConfiguration().caCertificates().size();
    REQUIRE(ServerAddress::trustCertificateAuthorities(dir.filePath(QStringLiteral("root.pem")),
                                                       &error));
    const auto trusted = QSslConfiguration::defaultConfiguration().caCertificates();
    CHECK(trusted.size() == before + 1);
    CHECK(trusted.last().subjectDisplayName() == QStringLiteral("CRM Test Root"));
}
