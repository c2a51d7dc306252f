#include "models/serverinfo.h"

#include "models/modelslogging.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"
#include "realtime/serveraddress.h"

#include <QJsonObject>
#include <QPointer>

namespace crm {

ServerInfo::ServerInfo(ConnectionManager& connection, RestClient& rest, QObject* parent)
    : QObject(parent), m_rest(rest)
{
    connect(&connection, &ConnectionManager::stateChanged, this,
            [this](ConnectionState state) { onStateChanged(state); });
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
    QPointer<ServerInfo> self(this);
    m_rest.get(QStringLiteral("/api/health"), [self](const RestReply& reply) {
        if (!self)
            return;
        if (!reply.ok()) {
            // Not worth a notice: About says "unknown" and the next connection asks again.
            qCInfo(lcServerInfo) << "server version not known:" << reply.error.message;
            self->m_asked = false;
            return;
        }
        const QJsonObject health = reply.body.toObject();
        const QString version = health.value(QStringLiteral("version")).toString();
        const QString revision = health.value(QStringLiteral("revision")).toString();
        if (version == self->m_version && revision == self->m_revision)
            return;
        self->m_version = version;
        self->m_revision = revision;
        emit self->changed();
    });
}

QString ServerInfo::plainTextWarning(const QUrl& url)
{
    return ServerAddress::isUnencryptedRemote(url) ? ServerAddress::unencryptedWarning(url)
                                                   : QString();
}

} // namespace crm
