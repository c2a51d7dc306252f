#include "support/testsocketioserver.h"

#include <QTcpServer>

namespace crm::test {

TestSocketIoServer::TestSocketIoServer(SocketIoServerOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options))
{}

TestSocketIoServer::~TestSocketIoServer()
{
    shutDown();
}

SocketIoServerOptions TestSocketIoServer::fastOptions()
{
    SocketIoServerOptions options;
    options.pingInterval = std::chrono::milliseconds(200);
    options.pingTimeout = std::chrono::milliseconds(200);
    options.connectTimeout = std::chrono::seconds(5);
    return options;
}

QUrl TestSocketIoServer::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

void TestSocketIoServer::setRefusal(const QString& message, const QString& code)
{
    m_refusalMessage = message;
    m_refusalCode = code;
}

void TestSocketIoServer::setOptions(const SocketIoServerOptions& options)
{
    m_options = options;
    if (m_endpoint)
        m_endpoint->setOptions(options);
}

bool TestSocketIoServer::listen(quint16 port)
{
    m_http = std::make_unique<QHttpServer>();
    m_endpoint = std::make_unique<SocketIoServer>(m_http.get(), m_options);
    m_endpoint->setAuthenticator([this](SocketIoServerSession*, const QJsonObject& auth) {
        ++m_sessionsOpened;
        m_authPayloads.append(auth);
        if (!m_refusalMessage.isEmpty())
            return SocketIoServer::AuthDecision{
                false, {}, m_refusalMessage, {{QStringLiteral("code"), m_refusalCode}}};
        if (auth.value(QStringLiteral("token")).toString() != m_acceptedToken)
            return SocketIoServer::AuthDecision{
                false,
                {},
                QStringLiteral("invalid token"),
                {{QStringLiteral("code"), QStringLiteral("auth_invalid")}}};
        return SocketIoServer::AuthDecision{true, auth, {}, {}};
    });
    connect(m_endpoint.get(), &SocketIoServer::sessionConnected, this,
            &TestSocketIoServer::onSessionConnected);
    m_port = m_http->listen(QHostAddress::LocalHost, port);
    return m_port != 0;
}

void TestSocketIoServer::shutDown()
{
    if (!m_http)
        return;
    if (m_endpoint) {
        for (auto* session : m_endpoint->sessions())
            session->abort();
    }
    for (auto* server : m_http->servers())
        server->close();
    m_endpoint.reset();
    m_http.reset();
}

bool TestSocketIoServer::restart()
{
    const quint16 port = m_port;
    shutDown();
    return listen(port);
}

SocketIoServerSession* TestSocketIoServer::lastSession() const
{
    if (!m_endpoint || m_endpoint->sessions().isEmpty())
        return nullptr;
    return m_endpoint->sessions().constLast();
}

QStringList TestSocketIoServer::eventNames() const
{
    QStringList names;
    for (const auto& event : m_events)
        names.append(event.name);
    return names;
}

void TestSocketIoServer::onSessionConnected(SocketIoServerSession* session)
{
    ++m_connectsAccepted;
    connect(session, &SocketIoServerSession::eventReceived, this,
            [this, session](const QString& event, const QJsonArray& args, qint64 ackId) {
                onEvent(session, event, args, ackId);
            });
}

// Scripted behaviour by event name:
//   echo           acks with the same arguments
//   no-answer      never acked (the client's timeout must fire)
//   close-mid-ack  the connection drops before the ack is sent
//   kick           the server ends the session with a Socket.IO DISCONNECT
//   anything else  recorded, acked with ["ok"] when an ack was asked
void TestSocketIoServer::onEvent(SocketIoServerSession* session, const QString& event,
                                 const QJsonArray& args, qint64 ackId)
{
    m_events.append({event, args});
    if (event == QStringLiteral("no-answer"))
        return;
    if (event == QStringLiteral("close-mid-ack")) {
        session->abort();
        return;
    }
    if (event == QStringLiteral("kick")) {
        session->disconnectClient(QStringLiteral("kicked"));
        return;
    }
    if (ackId < 0)
        return;
    session->sendAck(ackId,
                     event == QStringLiteral("echo") ? args : QJsonArray{QStringLiteral("ok")});
}

} // namespace crm::test
