#pragma once

#include <QWidget>

class QLabel;
class QStackedLayout;
class QLineEdit;
class QTableView;

namespace crm {

class ColumnLayout;
class RecordDelegate;
class RecordTableModel;
class RecordViewModel;
class UserDirectoryModel;

// One module's records: a search field over every column, and a sortable table (the view model
// keeps up with remote changes without moving the selection). Selecting a row opens it in the
// editor through currentRecordChanged.
class RecordTablePane : public QWidget
{
    Q_OBJECT
public:
    explicit RecordTablePane(RecordTableModel* table, QWidget* parent = nullptr);

    RecordTableModel* table() const { return m_table; }
    RecordViewModel* view() const { return m_view; }
    QTableView* tableView() const { return m_tableView; }
    // Which columns show, and the header's chooser.
    ColumnLayout* columns() const { return m_columns; }
    // People columns (assignee) show names from here instead of user ids.
    void setUserDirectory(const UserDirectoryModel* users);
    // The selected record's row in the table model, or -1.
    int currentRow() const;
    void selectRecord(const QString& recordId);
    void focusSearch();
    QString searchText() const;

signals:
    void currentRecordChanged(int tableRow);
    void newRecordRequested();

private:
    void updateEmptyState();

    RecordTableModel* m_table;
    RecordViewModel* m_view;
    QLineEdit* m_search;
    QTableView* m_tableView;
    QLabel* m_empty;
    RecordDelegate* m_delegate;
    ColumnLayout* m_columns = nullptr;
    QStackedLayout* m_stack = nullptr;
};

} // namespace crm
