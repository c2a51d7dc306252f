#pragma once

#include <functional>
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace crm {

class TaskListModel;

// The recent tasks (active ones first in time, newest on top) with what each did; cancel or
// retry the selected one, and save its file: an export's CSV or an import's rejected rows.
class TaskHistoryPanel : public QWidget
{
    Q_OBJECT
public:
    // Asks where to save a file; empty: the agent changed their mind.
    using PathChooser = std::function<QString(const QString& suggestedName)>;

    explicit TaskHistoryPanel(TaskListModel* tasks, QWidget* parent = nullptr);

    QListView* view() const { return m_view; }
    void setPathChooser(PathChooser chooser) { m_choosePath = std::move(chooser); }
    void select(const QString& taskId);

signals:
    void fileSaved(const QString& path);
    void problem(const QString& message);

private:
    QString currentId() const;
    void updateButtons();
    void save(const QString& role);

    TaskListModel* m_tasks;
    QLabel* m_summary;
    QListView* m_view;
    QPushButton* m_cancel;
    QPushButton* m_retry;
    QPushButton* m_saveOutput;
    QPushButton* m_saveReport;
    PathChooser m_choosePath;
    QString m_waitingFor; // "<id>/<role>" being downloaded
};

} // namespace crm
