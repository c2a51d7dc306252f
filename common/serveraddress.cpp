#include "common/serveraddress.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslConfiguration>

namespace crm {

bool ServerAddress::isUnencryptedRemote(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    if (scheme != QStringLiteral("http") && scheme != QStringLiteral("ws"))
        return false;
    const QString host = url.host().toLower();
    if (host == QStringLiteral("localhost") || host.endsWith(QStringLiteral(".localhost")))
        return false;
    const QHostAddress address(host);
    return address.isNull() || !address.isLoopback();
}

QString ServerAddress::unencryptedWarning(const QUrl& url)
{
    return QCoreApplication::translate(
               "ServerAddress",
               "%1 is not encrypted: your password, your sign-in and the brokerage's records "
               "would cross the network readable by anyone on the way. Ask for its https:// "
               "address.")
        .arg(url.toString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery));
}

bool ServerAddress::trustCertificateAuthorities(const QString& pemFile, QString* error)
{
    QFile file(pemFile);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("ServerAddress", "cannot read %1: %2")
                     .arg(pemFile, file.errorString());
        return false;
    }
    const auto authorities = QSslCertificate::fromData(file.read(4 * 1024 * 1024), QSsl::Pem);
    if (authorities.isEmpty()) {
        *error = QCoreApplication::translate("ServerAddress", "%1 holds no PEM certificate")
                     .arg(pemFile);
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(authorities);
    QSslConfiguration::setDefaultConfiguration(tls);
    return true;
}

} // namespace crm
