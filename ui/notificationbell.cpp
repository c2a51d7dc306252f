#include "ui/notificationbell.h"

#include "models/notificationmodel.h"

#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QStyleOptionToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace crm {

namespace {

// Unread entries in bold, with their time.
class NotificationDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->font.setBold(!index.data(NotificationModel::ReadRole).toBool());
        // Each changed field on a line of its own, as item views break lines only there.
        QString detail = index.data(NotificationModel::DetailRole).toString();
        detail.replace(u'\n', QChar(QChar::LineSeparator));
        const QString when = QLocale().toString(
            index.data(NotificationModel::AtRole).toDateTime().toLocalTime().time(),
            QLocale::ShortFormat);
        // A line separator, not "\n": item views draw it as a line break.
        const QString secondLine =
            detail.isEmpty() ? when : QObject::tr("%1 · %2").arg(detail, when);
        option->text = option->text + QChar(QChar::LineSeparator) + secondLine;
    }
};

} // namespace

NotificationBell::NotificationBell(NotificationModel* notifications, QWidget* parent)
    : QToolButton(parent), m_model(notifications), m_list(new QListView)
{
    setAccessibleName(tr("Notifications"));
    setPopupMode(QToolButton::InstantPopup);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* menu = new QMenu(this);
    auto* panel = new QWidget(menu);
    auto* layout = new QVBoxLayout(panel);
    m_list->setParent(panel);
    m_list->setModel(notifications);
    m_list->setItemDelegate(new NotificationDelegate(m_list));
    m_list->setMinimumSize(380, 300);
    m_list->setWordWrap(true);
    m_list->setSpacing(4);
    m_list->setAccessibleName(tr("Notification center"));
    layout->addWidget(m_list);
    auto* markAll = new QPushButton(tr("Mark all as read"), panel);
    layout->addWidget(markAll);
    auto* action = new QWidgetAction(menu);
    action->setDefaultWidget(panel);
    menu->addAction(action);
    setMenu(menu);

    connect(markAll, &QPushButton::clicked, notifications, &NotificationModel::markAllRead);
    connect(m_list, &QListView::activated, this, [this, menu](const QModelIndex& index) {
        m_model->markRead(index.row());
        menu->close();
        emit openRecord(index.data(NotificationModel::ModuleRole).toString(),
                        index.data(NotificationModel::RecordIdRole).toString());
    });
    connect(notifications, &NotificationModel::unreadCountChanged, this,
            &NotificationBell::refresh);
    refresh();
}

void NotificationBell::refresh()
{
    const int unread = m_model->unreadCount();
    setText(unread > 0 ? tr("Notifications (%1)").arg(unread) : tr("Notifications"));
    QFont bold = font();
    bold.setBold(unread > 0);
    setFont(bold);
    setToolTip(unread > 0 ? tr("%n unread notification(s)", nullptr, unread)
                          : tr("No unread notifications"));
}

void NotificationBell::initStyleOption(QStyleOptionToolButton* option) const
{
    QToolButton::initStyleOption(option);
    option->features &= ~QStyleOptionToolButton::HasMenu;
}

} // namespace crm
