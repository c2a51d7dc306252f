#pragma once

#include <memory>
#include <QJsonArray>
#include <QMetaType>
#include <QPointer>

namespace crm {

class ConnectionManager;

// Handed out with every received event. When the peer asked for an acknowledgement,
// respond() sends it, once, on the link the event came from; after that link dropped the
// answer is discarded (the peer has failed the ack on its side already).
class AckResponder
{
public:
    AckResponder() = default;
    AckResponder(ConnectionManager* manager, qint64 id, quint64 linkGeneration);

    bool isRequested() const { return m_id >= 0; }
    qint64 id() const { return m_id; }
    bool isAnswered() const { return m_answered && *m_answered; }
    // False when no ack was requested, it was answered already, or its link is gone.
    bool respond(const QJsonArray& args = {}) const;

private:
    QPointer<ConnectionManager> m_manager;
    qint64 m_id = -1;
    quint64 m_linkGeneration = 0;
    std::shared_ptr<bool> m_answered;
};

} // namespace crm

Q_DECLARE_METATYPE(crm::AckResponder)
