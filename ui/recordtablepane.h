#pragma once

#include <QWidget>

class QLabel;
class QStackedLayout;
class QLineEdit;
class QTableView;

namespace crm {

class RecordTableModel;
class RecordViewModel;

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
    QStackedLayout* m_stack = nullptr;
};

} // namespace crm
