#pragma once

#include "ui/noticesurface.h"

#include <QTimer>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace crm {

class TaskListModel;

// One AI or bulk task as a card: title, what it does right now, a determinate progress bar,
// the time it has taken, Cancel while it runs and Retry when it failed or was cancelled. Bound
// to one row of a TaskListModel by task id; refresh() re-reads it. A task that has ended
// (done, failed, cancelled) folds to one line with its outcome, Retry where it applies, a
// toggle to unfold it and the dismiss button: it no longer needs the room a running one does.
class TaskCard : public NoticeSurface
{
    Q_OBJECT
public:
    TaskCard(TaskListModel* tasks, const QString& taskId, QWidget* parent = nullptr);

    QString taskId() const { return m_id; }
    QString status() const { return m_status; }
    bool isCollapsed() const { return m_collapsed; }
    // Unfold (or fold again) an ended task's card; a running one is always unfolded.
    void setExpanded(bool expanded);
    // The one line a folded card shows: "Cancelled · Import leads.csv · Cancelled at 713 …".
    QString summary() const { return m_summary; }
    void refresh();

    // "0:42", "12:05", "1:02:03"
    static QString formatElapsed(qint64 seconds);

signals:
    void dismissed(const QString& taskId);
    // Folded or unfolded: its height changed.
    void collapsedChanged(bool collapsed);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateElapsed();
    void applyCollapsed();
    void elideTitle();

    TaskListModel* m_tasks;
    QString m_id;
    QString m_status;
    QString m_fullTitle;
    QString m_summary;
    bool m_expanded = false; // the agent unfolded an ended card
    bool m_collapsed = false;
    QHBoxLayout* m_header;
    QHBoxLayout* m_footer;
    QLabel* m_title;
    QLabel* m_step;
    QProgressBar* m_progress;
    QLabel* m_elapsed;
    QPushButton* m_cancel;
    QPushButton* m_retry;
    QToolButton* m_close;
    QToolButton* m_toggle;
    QTimer m_clock;
};

} // namespace crm
