#include "realtime/ackresponder.h"

#include "realtime/connectionmanager.h"

namespace crm {

AckResponder::AckResponder(ConnectionManager* manager, qint64 id, quint64 linkGeneration)
    : m_manager(manager), m_id(id), m_linkGeneration(linkGeneration),
      m_answered(std::make_shared<bool>(false))
{}

bool AckResponder::respond(const QJsonArray& args) const
{
    if (!isRequested() || !m_manager || *m_answered)
        return false;
    *m_answered = true;
    return m_manager->sendAck(m_id, args, m_linkGeneration);
}

} // namespace crm
