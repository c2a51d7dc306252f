#pragma once

#include "models/sortkey.h"

#include <QAbstractProxyModel>
#include <QHash>
#include <QTimer>
#include <QVariant>
#include <vector>

namespace crm {

// A sorted, filtered, searchable view of a record table, built for streams of remote changes.
//
// QSortFilterProxyModel re-sorts and rebuilds its whole mapping for every dataChanged on the
// sort column: on 100,000 rows that caps a live table at a few thousand changes a second. Here
// a changed row keeps its place until the end of the event-loop turn (its cells update at once),
// then every row that moved is re-placed in one layout change: a binary search per changed row
// and one pass over the mapping, however many changed. Each row's sort value is read once
// (SortKey), not at every comparison. Selection and the current item survive
// (persistent indexes are moved), and a row that stops matching the filter leaves the view.
class RecordViewModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit RecordViewModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* source) override;

    // Case-insensitive substring over every column's display text; empty shows all.
    void setSearchText(const QString& text);
    QString searchText() const { return m_search; }
    // Only rows whose column's display text equals value (ignoring case); an invalid value
    // removes the filter on that column.
    void setColumnFilter(int column, const QVariant& value);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Rows whose place or membership waits for the end of this event-loop turn.
    int pendingRepositions() const { return static_cast<int>(m_dirty.size()); }
    // Places them now (tests, and before any structural change of the source).
    void reposition();

    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    bool accepts(int sourceRow) const;
    // true when source row a belongs before b in the current order (ties: source order).
    bool lessThan(int a, int b) const;
    QVariant sortValue(int sourceRow) const;
    void refreshKey(int sourceRow);
    void rebuild();
    // A full rebuild that keeps selection and current item on their records.
    void relayout();
    void reindexFrom(int proxyRow);
    void onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                       const QList<int>& roles);
    void onRowsInserted(const QModelIndex& parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last);
    void onRowsRemoved(const QModelIndex& parent, int first, int last);
    void markDirty(int sourceRow);

    std::vector<int> m_proxyToSource;
    std::vector<int> m_sourceToProxy; // -1: filtered out
    std::vector<int> m_dirty;         // source rows to re-place
    std::vector<char> m_isDirty;      // by source row
    std::vector<SortKey> m_keys;      // by source row, while sorted; a dirty row's at reposition
    QString m_search;
    QHash<int, QString> m_columnFilters; // column -> wanted display text
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QTimer m_repositionTimer;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace crm
