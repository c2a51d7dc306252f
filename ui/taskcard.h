#pragma once

#include <QFrame>
#include <QTimer>

class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace crm {

class TaskListModel;

// One AI or bulk task as a card: title, what it does right now, a determinate progress bar,
// the time it has taken, Cancel while it runs and Retry when it failed or was cancelled. Bound
// to one row of a TaskListModel by task id; refresh() re-reads it.
class TaskCard : public QFrame
{
    Q_OBJECT
public:
    TaskCard(TaskListModel* tasks, const QString& taskId, QWidget* parent = nullptr);

    QString taskId() const { return m_id; }
    QString status() const { return m_status; }
    void refresh();

    // "0:42", "12:05", "1:02:03"
    static QString formatElapsed(qint64 seconds);

signals:
    void dismissed(const QString& taskId);

private:
    void updateElapsed();

    TaskListModel* m_tasks;
    QString m_id;
    QString m_status;
    QLabel* m_title;
    QLabel* m_step;
    QProgressBar* m_progress;
    QLabel* m_elapsed;
    QPushButton* m_cancel;
    QPushButton* m_retry;
    QToolButton* m_close;
    QTimer m_clock;
};

} // namespace crm
