#pragma once

#include "protocol/connectionstate.h"

#include <QObject>
#include <QString>
#include <QUrl>

namespace crm {

class ClientCore;

// What the connected server says about itself (GET /api/health): its version and revision,
// for Help > About and bug reports. Asked again at every connection, since the server may have
// been upgraded while the client was away.
class ServerInfo : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString version READ version NOTIFY changed)
public:
    explicit ServerInfo(ClientCore& core, QObject* parent = nullptr);

    QString version() const { return m_version; }   // empty until known
    QString revision() const { return m_revision; } // empty until known
    bool isKnown() const { return !m_version.isEmpty(); }
    // The warning a sign-in form shows for an address that would send passwords and records
    // readable by anyone on the way (http:// or ws:// to another machine); empty when private.
    static QString plainTextWarning(const QUrl& url);

signals:
    void changed();

private:
    void onStateChanged(ConnectionState state);

    void onVersion(const QString& version, const QString& revision);

    ClientCore& m_core;
    QString m_version;
    QString m_revision;
    bool m_asked = false;
};

} // namespace crm
