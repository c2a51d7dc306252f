#pragma once

#include "server/storage/identity.h"
#include "server/tasks/agenttask.h"

#include <memory>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

namespace crm {

class TaskRunner;

// GET /api/tasks/<id>/events: one task's progress as Server-Sent Events, for web tools and
// scripts that follow a long export or import without a socket (docs/protocol.md 5.8). Events:
// `progress` (the task as its reader may see it), then one of `completed`, `failed` or
// `cancelled`, after which the stream ends. Each event's id is the task's attempt and update
// time: a client that comes back with Last-Event-ID gets the current state only if it changed
// since. A comment line every 15 s keeps proxies from closing a quiet stream.
class TaskEventStream : public QObject
{
    Q_OBJECT
public:
    // Takes the responder over; lives as long as the client's connection, at most.
    static void start(QHttpServerResponder&& responder, TaskRunner& tasks, const Identity& viewer,
                      const AgentTask& task, const QString& lastEventId);

    static QString eventIdOf(const AgentTask& task);

private:
    TaskEventStream(QHttpServerResponder&& responder, const Identity& viewer,
                    const QString& taskId);
    void send(const AgentTask& task);
    void write(const QByteArray& bytes);
    void finish();

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    Identity m_viewer;
    QString m_taskId;
    QString m_lastId;
    QTimer m_heartbeat;
};

} // namespace crm
