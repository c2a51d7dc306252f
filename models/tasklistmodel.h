#pragma once

#include "core/commandresult.h"
#include "protocol/task.h"
#include "protocol/taskrequest.h"

#include <QAbstractListModel>
#include <QList>

namespace crm {

class ClientCore;
class TaskClient;

// The agent's AI and bulk tasks (docs/protocol.md 5.6): active ones and recent history, newest
// first. Fed by the core's TaskClient; re-synced from ai:task:list on every (re)connect, so a task
// that finished while the app was offline shows its final state. A progress event changes only
// the progress roles (dataChanged with exactly those), so cards repaint their bar and nothing
// else. Kept in the profile, so the history is there before the network answers.
class TaskListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        KindRole,
        TitleRole,
        StatusRole, // queued, running, completed, failed, cancelled
        ProgressRole,
        StepRole,
        StepsDoneRole,
        StepsTotalRole,
        ErrorRole,
        ResultRole, // QJsonObject as QVariantMap
        OwnerNameRole,
        AgentRole, // the external agent's name, or empty
        ExternalRole,
        SharedRole,
        CancelRequestedRole,
        AttemptRole,
        CreatedAtRole,  // QDateTime (UTC)
        StartedAtRole,  // QDateTime or invalid
        FinishedAtRole, // QDateTime or invalid
        ActiveRole,     // queued or running
        CanCancelRole,
        CanRetryRole,
        // Whether this reader may download the task's files: a shared task's teammates get its
        // progress only ("restricted", docs/protocol.md 5.6).
        CanDownloadRole,
    };
    Q_ENUM(Role)

    // History kept at most (the server sends the newest 50 finished ones).
    static constexpr int kMaxRows = 200;

    explicit TaskListModel(ClientCore& core, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString& id) const;
    // The task with that id; nullopt when this list does not hold it.
    std::optional<Task> task(const QString& id) const;
    int activeCount() const;

    // The agent's task commands, through the core; each answers through taskStarted,
    // fileFetched or a row's change, or actionFailed with the reason.
    void start(const TaskStart& request);
    void cancel(const QString& id);
    void retry(const QString& id);
    // Asks the server for the current list (also sent by the server on every connect).
    void refresh();
    // Downloads a task's file ("output" of an export, "report" of an import or de-duplication).
    void fetchFile(const QString& id, const QString& role);

signals:
    void taskStarted(const QString& id);
    // A task reached completed, failed or cancelled while this model watched it run.
    void taskFinished(const QString& id, const QString& status);
    void actionFailed(const QString& id, const QString& message);
    void fileFetched(const QString& id, const QString& role, const QString& content);
    void activeCountChanged(int count);

private:
    void upsert(const Task& task);
    void replaceAll(const QList<Task>& tasks);
    // A command's refusal said now, as one the server sends later would be.
    void report(const QString& id, const CommandResult& result);

    TaskClient& m_client;
    QList<Task> m_tasks; // newest first
    int m_lastActive = 0;
    bool m_batching = false;
};

} // namespace crm
