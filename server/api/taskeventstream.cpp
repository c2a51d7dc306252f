#include "server/api/taskeventstream.h"

#include "server/tasks/taskrunner.h"

#include <QJsonDocument>
#include <QTcpSocket>

namespace crm {

namespace {
constexpr std::chrono::seconds kHeartbeat{15};
}

QString TaskEventStream::eventIdOf(const AgentTask& task)
{
    return QString::number(task.attempt) + u'-' + task.updatedAt + u'-' +
           QString::number(task.progress) + u'-' + taskStatusName(task.status);
}

void TaskEventStream::start(QHttpServerResponder&& responder, TaskRunner& tasks,
                            const Identity& viewer, const AgentTask& task,
                            const QString& lastEventId)
{
    auto* stream = new TaskEventStream(std::move(responder), viewer, task.id);
    if (!stream->m_socket) {
        delete stream;
        return;
    }
    stream->setParent(stream->m_socket); // goes with the connection
    connect(&tasks, &TaskRunner::taskChanged, stream, [stream](const AgentTask& changed) {
        if (changed.id == stream->m_taskId)
            stream->send(changed);
    });
    // A client coming back (Last-Event-ID) hears the state only when it moved on meanwhile.
    if (lastEventId != eventIdOf(task))
        stream->send(task);
    else if (task.isFinal())
        stream->finish();
}

TaskEventStream::TaskEventStream(QHttpServerResponder&& responder, const Identity& viewer,
                                 const QString& taskId)
    : m_responder(std::move(responder)), m_socket(m_responder.socket()), m_viewer(viewer),
      m_taskId(taskId)
{
    // No length: the body is the stream, ended by closing the connection.
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder.writeHeaders({{"Content-Type", "text/event-stream; charset=utf-8"},
                              {"Cache-Control", "no-store"},
                              {"X-Accel-Buffering", "no"},
                              {"Connection", "close"}});
    m_responder.writeBody(QByteArrayLiteral(": task ") + taskId.toUtf8() + "\n\n");
    m_heartbeat.setInterval(kHeartbeat);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { write(": keep-alive\n\n"); });
    m_heartbeat.start();
}

void TaskEventStream::send(const AgentTask& task)
{
    const QString id = eventIdOf(task);
    if (id == m_lastId)
        return;
    m_lastId = id;
    const QByteArray event = task.status == AgentTask::Status::Completed   ? "completed"
                             : task.status == AgentTask::Status::Failed    ? "failed"
                             : task.status == AgentTask::Status::Cancelled ? "cancelled"
                                                                           : "progress";
    // One line of JSON: a data line may not hold a newline.
    write("id: " + id.toUtf8() + "\nevent: " + event + "\ndata: " +
          QJsonDocument(task.toJsonFor(m_viewer)).toJson(QJsonDocument::Compact) + "\n\n");
    if (task.isFinal())
        finish();
}

void TaskEventStream::write(const QByteArray& bytes)
{
    if (m_socket)
        m_socket->write(bytes);
}

void TaskEventStream::finish()
{
    m_heartbeat.stop();
    if (m_socket)
        m_socket->disconnectFromHost(); // after what is buffered has gone out
}

} // namespace crm
