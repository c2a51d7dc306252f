#pragma once

#include <QHttpServerResponder>
#include <QHttpServerResponse>

class QHttpServer;
class QHttpServerRequest;

namespace crm {

class TaskRunner;
class TokenService;
class UserDirectory;

// The REST half of tasks and agents (docs/protocol.md 6): list, start (with a CSV body up to
// the runner's input limit), cancel, retry, report, download a task's file, and the agent-key
// exchange that gives an AI agent its access token.
class TaskRestApi
{
public:
    struct Services
    {
        TaskRunner& tasks;
        TokenService& tokens;
        UserDirectory& users;
    };

    TaskRestApi(QHttpServer& http, Services services);

private:
    using Response = QHttpServerResponse;

    Response list(const QHttpServerRequest& request);
    Response start(const QHttpServerRequest& request);
    Response get(const QString& id, const QHttpServerRequest& request);
    void events(const QString& id, const QHttpServerRequest& request,
                QHttpServerResponder&& responder);
    Response action(const QString& id, const QString& action, const QHttpServerRequest& request);
    Response agentSession(const QHttpServerRequest& request);

    Services m_s;
};

} // namespace crm
