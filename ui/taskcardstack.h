#pragma once

#include <QSet>
#include <QWidget>

class QPushButton;

namespace crm {

class TaskCard;
class TaskListModel;

// Task cards in the bottom-left corner of the window (toasts have the right one): a card for
// every task that is queued or running, or that ended while the agent could not look yet. A
// completed task's card leaves by itself after a few seconds; a failed or cancelled one stays
// until dismissed, with Retry. At most maxVisible cards; "+N more" opens the history.
class TaskCardStack : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kDismissAfterSuccessMs = 6000;

    TaskCardStack(TaskListModel* tasks, QWidget* window);

    void setMaxVisible(int count);
    void setDismissAfterSuccess(int ms) { m_dismissMs = ms; }
    QList<TaskCard*> cards() const { return m_cards; }
    TaskCard* card(const QString& taskId) const;

signals:
    void historyRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void sync();
    void addCard(const QString& taskId);
    void removeCard(const QString& taskId);
    void relayout();

    TaskListModel* m_tasks;
    QList<TaskCard*> m_cards; // newest first
    QSet<QString> m_dismissed;
    QPushButton* m_more;
    int m_maxVisible = 3;
    int m_dismissMs = kDismissAfterSuccessMs;
};

} // namespace crm
