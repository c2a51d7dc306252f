#pragma once

#include <QString>
#include <QUrl>

namespace crm {

// What a server URL says about how private the link to it is.
struct ServerAddress
{
    // http:// or ws:// to a host that is not this machine: passwords, tokens and records would
    // cross the network readable by anyone on the way. The sign-in dialog and crm-cli say so.
    static bool isUnencryptedRemote(const QUrl& url);
    // The warning for such a URL, for people.
    static QString unencryptedWarning(const QUrl& url);
    // Adds the certificate authorities in a PEM file (a brokerage's own CA) to those every TLS
    // connection of this process trusts. False with the reason when the file has none.
    static bool trustCertificateAuthorities(const QString& pemFile, QString* error);
};

} // namespace crm
