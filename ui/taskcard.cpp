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

QColor accentFor(const QString& status)
{
    if (status == u"failed")
        return QColor(0xdc, 0x26, 0x26);
    if (status == u"cancelled")
        return QColor(0x6b, 0x72, 0x80);
    if (status == u"completed")
        return QColor(0x16, 0xa3, 0x4a);
    return QColor(0x7c, 0x3a, 0xed); // queued, running
}

} // namespace

TaskCard::TaskCard(TaskListModel* tasks, const QString& taskId, QWidget* parent)
    : NoticeSurface(parent), m_tasks(tasks), m_id(taskId)
{
    setObjectName(QStringLiteral("taskCard"));
    setFixedWidth(320);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 8, 8, 10);
    layout->setSpacing(6);

    m_header = new QHBoxLayout;
    m_header->setSpacing(4);
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextFormat(Qt::PlainText);
    m_header->addWidget(m_title, 1);
    // Dismiss is the card's first tool button (tests and screen readers find it first).
    m_close = new QToolButton(this);
    m_close->setText(QStringLiteral("×"));
    m_close->setAutoRaise(true);
    m_close->setAccessibleName(tr("Dismiss"));
    m_close->setToolTip(tr("Dismiss (the task stays in Task history)"));
    m_toggle = new QToolButton(this);
    m_toggle->setAutoRaise(true);
    m_toggle->setCheckable(true);
    m_header->addWidget(m_toggle);
    m_header->addWidget(m_close);
    layout->addLayout(m_header);

    m_step = new QLabel(this);
    m_step->setWordWrap(true);
    m_step->setTextFormat(Qt::PlainText);
    layout->addWidget(m_step);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setTextVisible(true);
    m_progress->setAccessibleName(tr("Progress"));
    layout->addWidget(m_progress);

    m_footer = new QHBoxLayout;
    m_elapsed = new QLabel(this);
    m_footer->addWidget(m_elapsed, 1);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setAccessibleName(tr("Cancel task"));
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setAccessibleName(tr("Retry task"));
    m_footer->addWidget(m_cancel);
    m_footer->addWidget(m_retry);
    layout->addLayout(m_footer);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false); // until the server answers: one click, one request
        m_tasks->cancel(m_id);
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        m_retry->setEnabled(false);
        m_tasks->retry(m_id);
    });
    connect(m_close, &QToolButton::clicked, this, [this] { emit dismissed(m_id); });
    connect(m_toggle, &QToolButton::toggled, this, &TaskCard::setExpanded);
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

void TaskCard::setExpanded(bool expanded)
{
    m_expanded = expanded;
    applyCollapsed();
}

void TaskCard::refresh()
{
    const int row = m_tasks->rowOf(m_id);
    if (row < 0)
        return;
    const QModelIndex index = m_tasks->index(row);
    m_status = index.data(TaskListModel::StatusRole).toString();
    const QString title = index.data(TaskListModel::TitleRole).toString();
    const QString agent = index.data(TaskListModel::AgentRole).toString();
    m_fullTitle = agent.isEmpty() ? title : tr("%1 · %2").arg(title, agent);
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
    setAccent(accentFor(m_status));
    // The outcome first, so a folded card reads at a glance.
    const QString detail = m_status == u"failed" ? index.data(TaskListModel::ErrorRole).toString()
                                                 : index.data(TaskListModel::StepRole).toString();
    QString outcome;
    if (m_status == u"completed")
        outcome = tr("Done");
    else if (m_status == u"failed")
        outcome = tr("Failed");
    else if (m_status == u"cancelled")
        outcome = tr("Cancelled");
    m_summary = outcome.isEmpty()  ? m_fullTitle
                : detail.isEmpty() ? tr("%1 · %2").arg(outcome, m_fullTitle)
                                   : tr("%1 · %2 · %3").arg(outcome, m_fullTitle, detail);
    setAccessibleName(tr("Task %1: %2, %3%").arg(m_fullTitle, m_status).arg(m_progress->value()));
    updateElapsed();
    if (active)
        m_clock.start();
    else
        m_clock.stop();
    if (active)
        m_expanded = false; // retried: it runs again, full size, and folds again when it ends
    applyCollapsed();
}

void TaskCard::applyCollapsed()
{
    const int row = m_tasks->rowOf(m_id);
    const bool active = row >= 0 && m_tasks->index(row).data(TaskListModel::ActiveRole).toBool();
    const bool collapsed = !active && !m_expanded;
    const bool changed = collapsed != m_collapsed;
    m_collapsed = collapsed;
    m_toggle->setVisible(!active);
    {
        const QSignalBlocker quiet(m_toggle);
        m_toggle->setChecked(!collapsed);
    }
    m_toggle->setArrowType(collapsed ? Qt::DownArrow : Qt::UpArrow);
    m_toggle->setAccessibleName(collapsed ? tr("Show details") : tr("Hide details"));
    m_toggle->setToolTip(m_toggle->accessibleName());
    m_step->setVisible(!collapsed);
    m_progress->setVisible(!collapsed);
    m_elapsed->setVisible(!collapsed);
    // Retry stays at hand on the folded line: the header takes it from the footer.
    QBoxLayout* home = collapsed ? m_header : m_footer;
    if (home->indexOf(m_retry) < 0) {
        (collapsed ? m_footer : m_header)->removeWidget(m_retry);
        if (collapsed)
            m_header->insertWidget(1, m_retry);
        else
            m_footer->addWidget(m_retry);
    }
    // One line when folded (elided, the whole of it in the tooltip); wrapped when unfolded.
    m_title->setWordWrap(!collapsed);
    m_title->setSizePolicy(collapsed ? QSizePolicy::Ignored : QSizePolicy::Preferred,
                           QSizePolicy::Preferred);
    m_title->setToolTip(collapsed ? m_summary : QString());
    elideTitle();
    if (changed)
        emit collapsedChanged(collapsed);
}

void TaskCard::elideTitle()
{
    if (!m_collapsed) {
        m_title->setText(m_fullTitle);
        return;
    }
    const int room = std::max(40, m_title->contentsRect().width());
    m_title->setText(m_title->fontMetrics().elidedText(m_summary, Qt::ElideRight, room));
}

void TaskCard::resizeEvent(QResizeEvent* event)
{
    NoticeSurface::resizeEvent(event);
    elideTitle(); // the layout has placed the title by now: elide to its real width
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
