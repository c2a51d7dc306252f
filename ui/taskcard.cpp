#include "ui/taskcard.h"

#include "models/tasklistmodel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace crm {

namespace {

QString accentFor(const QString& status)
{
    if (status == u"failed")
        return QStringLiteral("#dc2626");
    if (status == u"cancelled")
        return QStringLiteral("#6b7280");
    if (status == u"completed")
        return QStringLiteral("#16a34a");
    return QStringLiteral("#7c3aed"); // queued, running
}

} // namespace

TaskCard::TaskCard(TaskListModel* tasks, const QString& taskId, QWidget* parent)
    : QFrame(parent), m_tasks(tasks), m_id(taskId)
{
    setObjectName(QStringLiteral("taskCard"));
    setAttribute(Qt::WA_StyledBackground);
    setFixedWidth(320);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 10, 10);
    layout->setSpacing(6);

    auto* header = new QHBoxLayout;
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_title->setForegroundRole(QPalette::ToolTipText);
    header->addWidget(m_title, 1);
    m_close = new QToolButton(this);
    m_close->setText(QStringLiteral("×"));
    m_close->setAutoRaise(true);
    m_close->setAccessibleName(tr("Dismiss"));
    m_close->setToolTip(tr("Dismiss (the task stays in Task history)"));
    header->addWidget(m_close);
    layout->addLayout(header);

    m_step = new QLabel(this);
    m_step->setWordWrap(true);
    m_step->setForegroundRole(QPalette::ToolTipText);
    layout->addWidget(m_step);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setTextVisible(true);
    m_progress->setAccessibleName(tr("Progress"));
    layout->addWidget(m_progress);

    auto* footer = new QHBoxLayout;
    m_elapsed = new QLabel(this);
    m_elapsed->setForegroundRole(QPalette::ToolTipText);
    footer->addWidget(m_elapsed, 1);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setAccessibleName(tr("Cancel task"));
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setAccessibleName(tr("Retry task"));
    footer->addWidget(m_cancel);
    footer->addWidget(m_retry);
    layout->addLayout(footer);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false); // until the server answers: one click, one request
        m_tasks->cancel(m_id);
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        m_retry->setEnabled(false);
        m_tasks->retry(m_id);
    });
    connect(m_close, &QToolButton::clicked, this, [this] { emit dismissed(m_id); });
    connect(m_tasks, &TaskListModel::actionFailed, this, [this](const QString& id) {
        if (id == m_id)
            refresh(); // buttons back, so the agent can try again
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &TaskCard::updateElapsed);
    refresh();
}

QString TaskCard::formatElapsed(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    const qint64 h = seconds / 3600;
    const qint64 m = seconds / 60 % 60;
    const qint64 s = seconds % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QChar(u'0'))
            .arg(s, 2, 10, QChar(u'0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QChar(u'0'));
}

void TaskCard::refresh()
{
    const int row = m_tasks->rowOf(m_id);
    if (row < 0)
        return;
    const QModelIndex index = m_tasks->index(row);
    m_status = index.data(TaskListModel::StatusRole).toString();
    const QString agent = index.data(TaskListModel::AgentRole).toString();
    m_title->setText(agent.isEmpty() ? index.data(TaskListModel::TitleRole).toString()
                                     : tr("%1 · %2").arg(
                                           index.data(TaskListModel::TitleRole).toString(), agent));
    QString step = index.data(TaskListModel::StepRole).toString();
    if (m_status == u"failed")
        step = tr("Failed: %1").arg(index.data(TaskListModel::ErrorRole).toString());
    m_step->setText(step);
    m_progress->setValue(index.data(TaskListModel::ProgressRole).toInt());
    const bool active = index.data(TaskListModel::ActiveRole).toBool();
    m_cancel->setVisible(active);
    m_cancel->setEnabled(index.data(TaskListModel::CanCancelRole).toBool());
    m_cancel->setText(index.data(TaskListModel::CancelRequestedRole).toBool() ? tr("Cancelling…")
                                                                              : tr("Cancel"));
    m_retry->setVisible(index.data(TaskListModel::CanRetryRole).toBool());
    m_retry->setEnabled(true);
    setStyleSheet(QStringLiteral("#taskCard { background: palette(tool-tip-base); border: 1px "
                                 "solid palette(mid); border-left: 4px solid %1; "
                                 "border-radius: 6px; }")
                      .arg(accentFor(m_status)));
    setAccessibleName(
        tr("Task %1: %2, %3%").arg(m_title->text(), m_status).arg(m_progress->value()));
    updateElapsed();
    if (active)
        m_clock.start();
    else
        m_clock.stop();
}

void TaskCard::updateElapsed()
{
    const int row = m_tasks->rowOf(m_id);
    if (row < 0)
        return;
    const QModelIndex index = m_tasks->index(row);
    QDateTime from = index.data(TaskListModel::StartedAtRole).toDateTime();
    if (!from.isValid())
        from = index.data(TaskListModel::CreatedAtRole).toDateTime();
    QDateTime to = index.data(TaskListModel::FinishedAtRole).toDateTime();
    if (!to.isValid())
        to = QDateTime::currentDateTimeUtc();
    const QString time = formatElapsed(from.secsTo(to));
    if (m_status == u"completed")
        m_elapsed->setText(tr("Done in %1").arg(time));
    else if (m_status == u"queued")
        m_elapsed->setText(tr("Queued %1").arg(time));
    else if (m_status == u"running")
        m_elapsed->setText(tr("%1 elapsed").arg(time));
    else
        m_elapsed->setText(tr("After %1").arg(time));
}

} // namespace crm
