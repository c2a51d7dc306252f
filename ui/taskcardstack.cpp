#include "ui/taskcardstack.h"

#include "models/tasklistmodel.h"
#include "ui/noticesurface.h"
#include "ui/taskcard.h"

#include <QPushButton>
#include <QTimer>

namespace crm {

namespace {

constexpr int kDefaultWidth = 320;
constexpr int kGap = 8;

} // namespace

TaskCardStack::TaskCardStack(TaskListModel* tasks, QWidget* parent)
    : NoticeStack(parent), m_tasks(tasks)
{
    setAccessibleName(tr("Tasks"));
    setFixedWidth(kDefaultWidth + 2 * NoticeSurface::kShadowPad);
    m_more = new QPushButton(this);
    // Not flat: it floats over the editor, so it needs a face of its own to be read.
    m_more->setCursor(Qt::PointingHandCursor);
    connect(m_more, &QPushButton::clicked, this, &TaskCardStack::historyRequested);
    // Structure changes and state changes decide which cards exist; progress only repaints.
    connect(tasks, &QAbstractItemModel::rowsInserted, this, &TaskCardStack::sync);
    connect(tasks, &QAbstractItemModel::rowsRemoved, this, &TaskCardStack::sync);
    connect(tasks, &QAbstractItemModel::modelReset, this, &TaskCardStack::sync);
    connect(tasks, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to, const QList<int>& roles) {
                for (int row = from.row(); row <= to.row(); ++row) {
                    const QString id = m_tasks->index(row).data(TaskListModel::IdRole).toString();
                    if (TaskCard* c = card(id))
                        c->refresh();
                }
                if (roles.contains(TaskListModel::StatusRole) || roles.isEmpty())
                    sync();
                else
                    relayout(); // a longer step line may change a card's height
            });
    sync();
}

void TaskCardStack::setMaxVisible(int count)
{
    m_maxVisible = std::max(1, count);
    relayout();
}

TaskCard* TaskCardStack::card(const QString& taskId) const
{
    for (TaskCard* c : m_cards) {
        if (c->taskId() == taskId)
            return c;
    }
    return nullptr;
}

void TaskCardStack::sync()
{
    for (int row = m_tasks->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = m_tasks->index(row);
        const QString id = index.data(TaskListModel::IdRole).toString();
        if (index.data(TaskListModel::ActiveRole).toBool() && !m_dismissed.contains(id) &&
            !card(id))
            addCard(id);
    }
    for (TaskCard* c : QList<TaskCard*>(m_cards)) {
        const QString id = c->taskId();
        if (m_tasks->rowOf(id) < 0) {
            removeCard(id);
        } else if (c->status() == u"completed" && !c->property("leaving").toBool()) {
            // Success needs no action: it is shown long enough to be seen, then leaves.
            c->setProperty("leaving", true);
            QTimer::singleShot(m_dismissMs, c, [this, id] { removeCard(id); });
        }
    }
    relayout();
}

void TaskCardStack::addCard(const QString& taskId)
{
    auto* c = new TaskCard(m_tasks, taskId, this);
    connect(c, &TaskCard::collapsedChanged, this, &TaskCardStack::relayout);
    connect(c, &TaskCard::dismissed, this, [this](const QString& id) {
        m_dismissed.insert(id);
        removeCard(id);
    });
    m_cards.prepend(c);
}

void TaskCardStack::removeCard(const QString& taskId)
{
    TaskCard* c = card(taskId);
    if (!c)
        return;
    m_cards.removeOne(c);
    c->hide(); // gone from the stack now, not when the event loop gets to deleting it
    c->deleteLater();
    relayout();
}

void TaskCardStack::relayout()
{
    if (m_busy)
        return;
    m_busy = true;
    if (m_cards.isEmpty()) {
        hide();
    } else {
        const int pad = NoticeSurface::kShadowPad;
        const int cardWidth = width() - 2 * pad;
        // As many as are allowed and fit the height given, with room kept for "+N more".
        int room = heightLimit() - 2 * pad - m_more->sizeHint().height() - kGap;
        QList<TaskCard*> visible;
        for (TaskCard* c : std::as_const(m_cards)) {
            c->setFixedWidth(cardWidth);
            c->setFixedHeight(c->heightFor(cardWidth));
            const int needed = c->height() + kGap;
            // The newest always shows: a stack with no card would hide that work goes on.
            const bool show =
                visible.size() < m_maxVisible && (visible.isEmpty() || needed <= room);
            c->setVisible(show);
            if (!show) {
                room = 0;
                continue;
            }
            room -= needed;
            visible.append(c);
        }
        int y = pad;
        const qsizetype hidden = m_cards.size() - visible.size();
        m_more->setVisible(hidden > 0);
        if (hidden > 0) {
            m_more->setText(
                tr("+%n more task(s) – show history", nullptr, static_cast<int>(hidden)));
            m_more->adjustSize();
            m_more->move(pad + cardWidth - m_more->width(), y);
            y += m_more->height() + kGap;
        }
        // The newest lowest, nearest the editor's buttons, like the toasts.
        for (auto it = visible.crbegin(); it != visible.crend(); ++it) {
            (*it)->move(pad, y);
            y += (*it)->height() + kGap;
        }
        resize(width(), y - kGap + pad);
        show();
    }
    m_busy = false;
    emit contentChanged();
}

} // namespace crm
