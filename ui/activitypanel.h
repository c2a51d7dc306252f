#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QListView;

namespace crm {

class ActivityFilter;
class ActivityModel;
class UserDirectoryModel;

// The activity feed: who changed what and when, each field before and after, newest first;
// narrowed to a teammate, a module, and/or the record open in the editor. Choosing an entry
// opens its record.
class ActivityPanel : public QWidget
{
    Q_OBJECT
public:
    ActivityPanel(ActivityModel* activity, UserDirectoryModel* users, QWidget* parent = nullptr);

    QListView* view() const { return m_view; }
    ActivityFilter* filter() const { return m_filter; }
    // The record open in the editor, for "this record only".
    void setCurrentRecord(const QString& module, const QString& recordId);

signals:
    void openRecord(const QString& module, const QString& recordId);

private:
    void applyFilters();

    ActivityFilter* m_filter;
    QComboBox* m_user;
    QComboBox* m_module;
    QCheckBox* m_thisRecord;
    QListView* m_view;
    QString m_currentModule;
    QString m_currentRecord;
};

} // namespace crm
