#pragma once

#include <QToolButton>

class QListView;

namespace crm {

class NotificationModel;

// The notification center: a bell with the unread count; clicking opens the list (newest
// first, unread in bold), where choosing one marks it read and asks to open its record.
class NotificationBell : public QToolButton
{
    Q_OBJECT
public:
    explicit NotificationBell(NotificationModel* notifications, QWidget* parent = nullptr);

    QListView* list() const { return m_list; }

signals:
    void openRecord(const QString& module, const QString& recordId);

protected:
    // Opens its menu on a click like any button: no menu arrow beside the text.
    void initStyleOption(QStyleOptionToolButton* option) const override;

private:
    void refresh();

    NotificationModel* m_model;
    QListView* m_list;
};

} // namespace crm
