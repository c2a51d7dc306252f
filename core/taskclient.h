#pragma once

#include "core/commandresult.h"
#include "protocol/task.h"
#include "protocol/taskrequest.h"

#include <QList>
#include <QObject>

namespace crm {

class ConnectionManager;
class LocalStore;
class RestClient;

// The agent's side of docs/protocol.md 5.6, part of ClientCore: reads the ai:task:* events once
// (a malformed one is logged and dropped), and carries out the task commands. A command that
// cannot go out says so at once in its CommandResult; the server's answer comes later, as
// taskChanged or taskStarted when it is done, or as taskRefused with the reason.
class TaskClient : public QObject
{
    Q_OBJECT
public:
    TaskClient(ConnectionManager& connection, RestClient& rest, LocalStore& store,
               QObject* parent = nullptr);

    // Starts a task over REST (an import's file may exceed a socket frame).
    CommandResult start(const TaskStart& request);
    // Ask over the socket; refused at once (Offline) while the link is not up.
    CommandResult cancel(const QString& id);
    CommandResult retry(const QString& id);
    // Asks for the current list (the server also sends it after every catch-up).
    CommandResult refresh();
    // A task's file ("output" of an export, "report" of an import or de-duplication).
    CommandResult fetchFile(const QString& id, const QString& role);

    // The list as last kept in the profile, so the history shows before the network answers.
    QList<Task> cached() const;
    bool keep(const QList<Task>& tasks);

signals:
    // One task as the server now says it is (an event, or the answer to a command).
    void taskChanged(const crm::Task& task);
    // The whole list (after each catch-up, or the answer to refresh()).
    void listReceived(const QList<crm::Task>& tasks);
    void taskStarted(const crm::Task& task);
    // A command the server refused or never answered; `id` is empty for a start.
    void taskRefused(const QString& id, const crm::CommandResult& result);
    void fileFetched(const QString& id, const QString& role, const QString& content);

private:
    void onEvent(const QString& event, const QJsonArray& args);
    // Sends a task:* request whose answer carries one task.
    CommandResult ask(QLatin1StringView event, const QString& id);

    ConnectionManager& m_connection;
    RestClient& m_rest;
    LocalStore& m_store;
};

} // namespace crm
