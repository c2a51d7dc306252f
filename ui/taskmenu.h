#pragma once

#include <functional>
#include <QJsonObject>
#include <QMenu>

namespace crm {

class RecordTablePane;
class TaskListModel;

// The window's Tasks menu: import into the module on screen, export what its view shows, find
// or merge duplicate leads, and the task history. Every start goes through the task list's
// command, whose refusal the task cards and toasts say.
class TaskMenu : public QMenu
{
    Q_OBJECT
public:
    // `currentPane`: the table on screen (may be null); `history` shows the task history.
    TaskMenu(TaskListModel* tasks, std::function<RecordTablePane*()> currentPane, QAction* history,
             QWidget* parent = nullptr);

private:
    void importCsv();
    void exportView();
    void mergeDuplicates();
    void start(const QString& kind, const QString& title, const QJsonObject& params,
               const QString& input = {});

    TaskListModel* m_tasks;
    std::function<RecordTablePane*()> m_currentPane;
};

} // namespace crm
