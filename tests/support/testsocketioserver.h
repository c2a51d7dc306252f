#pragma once

#include "server/socketio/socketioserver.h"

#include <memory>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

namespace crm::test {

// The production Socket.IO endpoint on 127.0.0.1:0, wrapped so tests can make it misbehave:
// refuse credentials, ignore acks, close mid-ack, freeze, send garbage, die and come back on the
// same port with new session ids. Records what clients sent.
class TestSocketIoServer : public QObject
{
    Q_OBJECT
public:
    struct ReceivedEvent
    {
        QString name;
        QJsonArray args;
    };

    explicit TestSocketIoServer(SocketIoServerOptions options = fastOptions(),
                                QObject* parent = nullptr);
    ~TestSocketIoServer() override;

    // Short ping timings so heartbeat tests take a second, not a minute.
    static SocketIoServerOptions fastOptions();

    bool listen(quint16 port = 0);
    quint16 port() const { return m_port; }
    QUrl url() const;
    // Drops every connection without a goodbye and stops listening, as a killed process would.
    void shutDown();
    // shutDown(), then listen again on the same port: clients see new session ids.
    bool restart();

    void setAcceptedToken(const QString& token) { m_acceptedToken = token; }
    // Refuses every CONNECT with this CONNECT_ERROR (empty message: accept again).
    void setRefusal(const QString& message, const QString& code);
    void setOptions(const SocketIoServerOptions& options);

    SocketIoServer* endpoint() const { return m_endpoint.get(); }
    SocketIoServerSession* lastSession() const;
    int sessionsOpened() const { return m_sessionsOpened; }
    int connectsAccepted() const { return m_connectsAccepted; }
    const QList<QJsonObject>& authPayloads() const { return m_authPayloads; }
    const QList<ReceivedEvent>& events() const { return m_events; }
    QStringList eventNames() const;

private:
    void onSessionConnected(SocketIoServerSession* session);
    void onEvent(SocketIoServerSession* session, const QString& event, const QJsonArray& args,
                 qint64 ackId);

    SocketIoServerOptions m_options;
    std::unique_ptr<QHttpServer> m_http;
    std::unique_ptr<SocketIoServer> m_endpoint;
    quint16 m_port = 0;
    QString m_acceptedToken = QStringLiteral("good-token");
    QString m_refusalMessage;
    QString m_refusalCode;
    int m_sessionsOpened = 0;
    int m_connectsAccepted = 0;
    QList<QJsonObject> m_authPayloads;
    QList<ReceivedEvent> m_events;
};

} // namespace crm::test
