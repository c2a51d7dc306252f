#include "ui/taskcardstack.h"

#include "models/tasklistmodel.h"
#include "ui/taskcard.h"

#include <QEvent>
#include <QPushButton>
#include <QTimer>

namespace crm {

namespace {

constexpr int kWidth = 320;
constexpr int kMargin = 12;
constexpr int kGap = 8;

} // namespace

TaskCardStack::TaskCardStack(TaskListModel* tasks, QWidget* window)
    : QWidget(window), m_tasks(tasks)
{
    setAccessibleName(tr("Tasks"));
    m_more = new QPushButton(this);
    m_more->setFlat(true);
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
    window->installEventFilter(this);
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
    c->deleteLater();
    relayout();
}

void TaskCardStack::relayout()
{
    QWidget* window = parentWidget();
    if (m_cards.isEmpty() || !window) {
        hide();
        return;
    }
    int y = 0;
    int shown = 0;
    for (TaskCard* c : std::as_const(m_cards)) {
        const bool visible = shown < m_maxVisible;
        c->setVisible(visible);
        if (!visible)
            continue;
        ++shown;
        c->adjustSize();
        c->move(0, y);
        y += c->height() + kGap;
    }
    const qsizetype hidden = m_cards.size() - shown;
    m_more->setVisible(hidden > 0);
    if (hidden > 0) {
        m_more->setText(tr("+%n more task(s) – show history", nullptr, static_cast<int>(hidden)));
        m_more->adjustSize();
        m_more->move(0, y);
        y += m_more->height();
    }
    resize(kWidth, y);
    move(kMargin, window->height() - y - kMargin - 24);
    show();
    raise();
}

void TaskCardStack::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        for (TaskCard* c : std::as_const(m_cards))
            c->refresh(); // re-resolves palette() in the card's style sheet
    }
    QWidget::changeEvent(event);
}

bool TaskCardStack::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        relayout();
    return QWidget::eventFilter(watched, event);
}

} // namespace crm
