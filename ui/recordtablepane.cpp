#include "ui/recordtablepane.h"

#include "models/recordtablemodel.h"
#include "models/recordviewmodel.h"
#include "models/userdirectorymodel.h"
#include "protocol/recordschema.h"
#include "ui/columnlayout.h"
#include "ui/recorddelegate.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedLayout>
#include <QTableView>
#include <QVBoxLayout>

namespace crm {

RecordTablePane::RecordTablePane(RecordTableModel* table, QWidget* parent)
    : QWidget(parent), m_table(table), m_view(new RecordViewModel(this)),
      m_search(new QLineEdit(this)), m_tableView(new QTableView(this)), m_empty(new QLabel(this)),
      m_delegate(new RecordDelegate(table->spec(), m_tableView))
{
    m_view->setSourceModel(table);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QHBoxLayout;
    // Search reaches the notes' text too: say so, or a row found by its notes looks wrong.
    m_search->setPlaceholderText(
        table->spec().hasNotesDocument
            ? tr("Search %1 and their notes").arg(table->spec().label.toLower())
            : tr("Search %1").arg(table->spec().label.toLower()));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search records"));
    top->addWidget(m_search, 1);
    auto* create = new QPushButton(tr("New %1").arg(table->spec().singular), this);
    create->setToolTip(tr("Create a record (Ctrl+N)"));
    top->addWidget(create);
    layout->addLayout(top);

    m_tableView->setModel(m_view);
    m_tableView->setItemDelegate(m_delegate);
    // Arrival order until the agent picks a column: sorting 100,000 rows costs a launch ~0.5 s.
    m_tableView->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_tableView->setSortingEnabled(true);
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tableView->setEditTriggers(QAbstractItemView::NoEditTriggers); // the editor edits
    m_tableView->setAlternatingRowColors(true);
    m_tableView->setWordWrap(false);
    m_tableView->verticalHeader()->hide();
    m_tableView->verticalHeader()->setDefaultSectionSize(m_tableView->fontMetrics().height() + 10);
    m_tableView->horizontalHeader()->setHighlightSections(false);
    m_tableView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_tableView->horizontalHeader()->setDefaultSectionSize(140);
    m_tableView->setAccessibleName(tr("%1 table").arg(table->spec().label));
    // What the agent scans first, from the schema, until the agent chooses otherwise.
    m_columns = new ColumnLayout(m_tableView, table->spec());

    m_stack = new QStackedLayout;
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_stack->addWidget(m_tableView);
    m_stack->addWidget(m_empty);
    layout->addLayout(m_stack, 1);

    connect(m_search, &QLineEdit::textChanged, m_view, &RecordViewModel::setSearchText);
    connect(create, &QPushButton::clicked, this, &RecordTablePane::newRecordRequested);
    connect(m_tableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { emit currentRecordChanged(currentRow()); });
    connect(m_view, &QAbstractItemModel::rowsInserted, this, &RecordTablePane::updateEmptyState);
    connect(m_view, &QAbstractItemModel::rowsRemoved, this, &RecordTablePane::updateEmptyState);
    connect(m_view, &QAbstractItemModel::layoutChanged, this, &RecordTablePane::updateEmptyState);
    connect(m_view, &QAbstractItemModel::modelReset, this, &RecordTablePane::updateEmptyState);
    connect(m_search, &QLineEdit::textChanged, this, &RecordTablePane::updateEmptyState);
    updateEmptyState();
}

int RecordTablePane::currentRow() const
{
    const QModelIndex current = m_tableView->selectionModel()->currentIndex();
    return current.isValid() ? m_view->mapToSource(current).row() : -1;
}

void RecordTablePane::selectRecord(const QString& recordId)
{
    const int row = m_table->rowOf(recordId);
    if (recordId.isEmpty()) { // nothing (a new record's form is open)
        m_tableView->selectionModel()->clear();
        return;
    }
    if (row < 0)
        return;
    m_view->reposition();
    const int column = RecordDelegate::firstShownColumn(m_tableView);
    QModelIndex index = m_view->mapFromSource(m_table->index(row, column));
    if (!index.isValid() && !m_search->text().isEmpty()) {
        // Opened from elsewhere (a notification) but hidden by the search: the record wins.
        m_search->clear();
        m_view->reposition();
        index = m_view->mapFromSource(m_table->index(row, column));
    }
    if (!index.isValid())
        return;
    m_tableView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                              QItemSelectionModel::Rows);
    m_tableView->scrollTo(index);
}

void RecordTablePane::setUserDirectory(const UserDirectoryModel* users)
{
    m_delegate->setUserDirectory(users);
    m_tableView->viewport()->update();
    // Names arrive after the first catch-up (and change): repaint, the cells have not changed.
    if (users)
        connect(users, &QAbstractItemModel::modelReset, m_tableView->viewport(),
                [viewport = m_tableView->viewport()] { viewport->update(); });
}

void RecordTablePane::focusSearch()
{
    m_search->setFocus();
    m_search->selectAll();
}

void RecordTablePane::updateEmptyState()
{
    const bool empty = m_view->rowCount() == 0;
    m_empty->setText(!empty ? QString()
                     : m_search->text().isEmpty()
                         ? tr("No %1 yet.\nCreate one with “New %2”.")
                               .arg(m_table->spec().label.toLower(), m_table->spec().singular)
                         : tr("Nothing matches “%1”.").arg(m_search->text()));
    m_stack->setCurrentWidget(empty ? static_cast<QWidget*>(m_empty) : m_tableView);
}

QString RecordTablePane::searchText() const
{
    return m_search->text().trimmed();
}

} // namespace crm
