#pragma once

#include <optional>
#include <QSslConfiguration>
#include <QString>

namespace crm {

// The server's TLS identity from PEM files as certbot and every CA deliver them: the whole
// chain (fullchain.pem: the server's certificate, then the intermediates clients need to reach
// their trusted root) and the private key, EC (certbot's default) or RSA, PKCS#8 or traditional.
struct TlsConfig
{
    // A configuration serving that chain and key, or nothing with the reason in *error (which
    // file, and what is wrong with it: unreadable, not PEM, no certificate, an encrypted key, a
    // key of another algorithm than the certificate's). An expired certificate is served (the
    // caller warns): refusing to start would take every agent offline over a late renewal.
    static std::optional<QSslConfiguration> load(const QString& certificateFile,
                                                 const QString& keyFile, QString* error);
};

} // namespace crm
