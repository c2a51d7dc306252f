#include "models/serverinfo.h"

#include "common/serveraddress.h"
#include "core/clientcore.h"

namespace crm {

ServerInfo::ServerInfo(ClientCore& core, QObject* parent) : QObject(parent), m_core(core)
{
    connect(&core, &ClientCore::linkChanged, this,
            [this](ConnectionState state) { onStateChanged(state); });
    connect(&core, &ClientCore::serverVersionKnown, this, &ServerInfo::onVersion);
}

void ServerInfo::onStateChanged(ConnectionState state)
{
    if (state != ConnectionState::Online) {
        m_asked = false; // the next connection may reach an upgraded server
        return;
    }
    if (m_asked)
        return;
    m_asked = true;
    m_core.askServerVersion();
}

void ServerInfo::onVersion(const QString& version, const QString& revision)
{
    if (version == m_version && revision == m_revision)
        return;
    m_version = version;
    m_revision = revision;
    emit changed();
}

QString ServerInfo::plainTextWarning(const QUrl& url)
{
    return ServerAddress::isUnencryptedRemote(url) ? ServerAddress::unencryptedWarning(url)
                                                   : QString();
}

} // namespace crm
