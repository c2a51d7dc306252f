#include "server/http/tlsconfig.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

namespace crm {

namespace {

QByteArray readPem(const QString& path, const char* what, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS %1 %2: %3")
                     .arg(QLatin1String(what), path, file.errorString());
        return {};
    }
    const QByteArray pem = file.read(1024 * 1024);
    if (!pem.contains("-----BEGIN ")) {
        *error = QStringLiteral("the TLS %1 %2 is not PEM").arg(QLatin1String(what), path);
        return {};
    }
    return pem;
}

} // namespace

std::optional<QSslConfiguration> TlsConfig::load(const QString& certificateFile,
                                                 const QString& keyFile, QString* error)
{
    const QByteArray chainPem = readPem(certificateFile, "certificate", error);
    if (chainPem.isEmpty())
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(chainPem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("no certificate in %1").arg(certificateFile);
        return std::nullopt;
    }
    const QByteArray keyPem = readPem(keyFile, "key", error);
    if (keyPem.isEmpty())
        return std::nullopt;
    if (keyPem.contains("ENCRYPTED")) {
        *error = QStringLiteral("the TLS key %1 is encrypted; give the server an unencrypted "
                                "key readable only by its user")
                     .arg(keyFile);
        return std::nullopt;
    }
    // The PEM header does not always say the algorithm (PKCS#8: "BEGIN PRIVATE KEY").
    QSslKey key;
    for (const auto algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("the TLS key %1 is not an EC or RSA private key").arg(keyFile);
        return std::nullopt;
    }
    const QSslCertificate& leaf = chain.first();
    if (leaf.publicKey().algorithm() != key.algorithm()) {
        *error = QStringLiteral("the TLS key %1 does not belong to the certificate in %2")
                     .arg(keyFile, certificateFile);
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setProtocol(QSsl::SecureProtocols);
    return tls;
}

} // namespace crm
