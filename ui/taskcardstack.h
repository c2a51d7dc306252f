#pragma once

#include "ui/noticestack.h"

#include <QSet>

class QPushButton;

namespace crm {

class TaskCard;
class TaskListModel;

// Task cards: a card for every task that is queued or running, or that ended while the agent
// could not look yet. A completed task's card leaves by itself after a few seconds; a failed or
// cancelled one stays, folded to one line, until dismissed, with Retry. At most maxVisible
// cards that fit the height given, the newest lowest; "+N more" above them opens the history. The
// stack only sizes itself (cards as wide as it allows); a NoticeArea places it.
class TaskCardStack : public NoticeStack
{
    Q_OBJECT
public:
    static constexpr int kDismissAfterSuccessMs = 6000;

    explicit TaskCardStack(TaskListModel* tasks, QWidget* parent = nullptr);

    void setMaxVisible(int count);
    void setDismissAfterSuccess(int ms) { m_dismissMs = ms; }
    QList<TaskCard*> cards() const { return m_cards; }
    TaskCard* card(const QString& taskId) const;

signals:
    void historyRequested();

protected:
    void relayout() override;

private:
    void sync();
    void addCard(const QString& taskId);
    void removeCard(const QString& taskId);

    TaskListModel* m_tasks;
    QList<TaskCard*> m_cards; // newest first
    QSet<QString> m_dismissed;
    QPushButton* m_more;
    int m_maxVisible = 3;
    int m_dismissMs = kDismissAfterSuccessMs;
    bool m_busy = false;
};

} // namespace crm
