#include "models/recordviewmodel.h"

#include "models/modelslogging.h"
#include "models/sortkey.h"

#include <algorithm>

namespace crm {

namespace {

bool touchesValues(const QList<int>& roles)
{
    return roles.isEmpty() || roles.contains(Qt::DisplayRole) || roles.contains(Qt::EditRole);
}

} // namespace

RecordViewModel::RecordViewModel(QObject* parent) : QAbstractProxyModel(parent)
{
    m_repositionTimer.setSingleShot(true);
    connect(&m_repositionTimer, &QTimer::timeout, this, &RecordViewModel::reposition);
}

void RecordViewModel::setSourceModel(QAbstractItemModel* source)
{
    beginResetModel();
    for (const auto& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    QAbstractProxyModel::setSourceModel(source);
    if (source) {
        auto watch = [this](auto&& signal, auto&& slot) {
            m_sourceConnections.append(connect(sourceModel(), signal, this, slot));
        };
        watch(&QAbstractItemModel::dataChanged, &RecordViewModel::onDataChanged);
        // Every structural change starts from a view whose rows are all in place.
        watch(&QAbstractItemModel::rowsAboutToBeInserted, [this] { reposition(); });
        watch(&QAbstractItemModel::rowsInserted, &RecordViewModel::onRowsInserted);
        watch(&QAbstractItemModel::rowsAboutToBeRemoved, &RecordViewModel::onRowsAboutToBeRemoved);
        watch(&QAbstractItemModel::rowsRemoved, &RecordViewModel::onRowsRemoved);
        // Resets and layout changes of the source are rare (an account switch): start over.
        watch(&QAbstractItemModel::modelAboutToBeReset, [this] { beginResetModel(); });
        watch(&QAbstractItemModel::modelReset, [this] {
            rebuild();
            endResetModel();
        });
        watch(&QAbstractItemModel::layoutAboutToBeChanged, [this] { beginResetModel(); });
        watch(&QAbstractItemModel::layoutChanged, [this] {
            rebuild();
            endResetModel();
        });
        watch(&QAbstractItemModel::headerDataChanged, &QAbstractItemModel::headerDataChanged);
    }
    rebuild();
    endResetModel();
}

void RecordViewModel::setSearchText(const QString& text)
{
    if (text == m_search)
        return;
    m_search = text;
    relayout();
}

void RecordViewModel::setColumnFilter(int column, const QVariant& value)
{
    if (value.isValid()) {
        const QString wanted = value.toString();
        if (m_columnFilters.contains(column) && m_columnFilters.value(column) == wanted)
            return;
        m_columnFilters.insert(column, wanted);
    } else if (m_columnFilters.remove(column) == 0) {
        return;
    }
    relayout();
}

void RecordViewModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    relayout();
}

void RecordViewModel::relayout()
{
    emit layoutAboutToBeChanged();
    const QModelIndexList persistent = persistentIndexList();
    std::vector<int> sourceRows;
    for (const auto& index : persistent)
        sourceRows.push_back(m_proxyToSource.at(static_cast<size_t>(index.row())));
    rebuild();
    QModelIndexList moved;
    for (qsizetype i = 0; i < persistent.size(); ++i) {
        const int row =
            m_sourceToProxy.at(static_cast<size_t>(sourceRows.at(static_cast<size_t>(i))));
        moved.append(row < 0 ? QModelIndex() : index(row, persistent.at(i).column()));
    }
    changePersistentIndexList(persistent, moved);
    emit layoutChanged();
}

bool RecordViewModel::accepts(int sourceRow) const
{
    const QAbstractItemModel* source = sourceModel();
    for (auto it = m_columnFilters.cbegin(); it != m_columnFilters.cend(); ++it) {
        const QString text = source->index(sourceRow, it.key()).data().toString();
        if (text.compare(it.value(), Qt::CaseInsensitive) != 0)
            return false;
    }
    if (m_search.isEmpty())
        return true;
    const int columns = source->columnCount();
    for (int column = 0; column < columns; ++column) {
        if (source->index(sourceRow, column)
                .data()
                .toString()
                .contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool RecordViewModel::lessThan(int a, int b) const
{
    if (m_sortColumn >= 0) {
        auto order =
            SortKey::compare(m_keys[static_cast<size_t>(a)], m_keys[static_cast<size_t>(b)]);
        if (!order)
            order = SortKey::compareValues(sortValue(a), sortValue(b));
        if (*order != 0)
            return m_sortOrder == Qt::AscendingOrder ? *order < 0 : *order > 0;
    }
    return a < b;
}

QVariant RecordViewModel::sortValue(int sourceRow) const
{
    return sourceModel()->index(sourceRow, m_sortColumn).data(Qt::EditRole);
}

void RecordViewModel::refreshKey(int sourceRow)
{
    if (m_sortColumn >= 0)
        m_keys[static_cast<size_t>(sourceRow)] = SortKey::of(sortValue(sourceRow));
}

void RecordViewModel::rebuild()
{
    const int rows = sourceModel() ? sourceModel()->rowCount() : 0;
    m_keys.clear();
    if (m_sortColumn >= 0)
        m_keys.resize(static_cast<size_t>(rows)); // a hidden row's key is taken when it shows
    m_proxyToSource.clear();
    m_proxyToSource.reserve(static_cast<size_t>(rows));
    for (int row = 0; row < rows; ++row) {
        if (accepts(row)) {
            m_proxyToSource.push_back(row);
            refreshKey(row);
        }
    }
    std::stable_sort(m_proxyToSource.begin(), m_proxyToSource.end(),
                     [this](int a, int b) { return lessThan(a, b); });
    m_sourceToProxy.assign(static_cast<size_t>(rows), -1);
    reindexFrom(0);
    m_dirty.clear();
    m_isDirty.assign(static_cast<size_t>(rows), 0);
    m_repositionTimer.stop();
}

void RecordViewModel::reindexFrom(int proxyRow)
{
    for (size_t i = static_cast<size_t>(proxyRow); i < m_proxyToSource.size(); ++i)
        m_sourceToProxy[static_cast<size_t>(m_proxyToSource[i])] = static_cast<int>(i);
}

void RecordViewModel::markDirty(int sourceRow)
{
    char& flag = m_isDirty[static_cast<size_t>(sourceRow)];
    if (flag)
        return;
    flag = 1;
    m_dirty.push_back(sourceRow);
    if (!m_repositionTimer.isActive())
        m_repositionTimer.start(0);
}

void RecordViewModel::reposition()
{
    m_repositionTimer.stop();
    if (m_dirty.empty())
        return;
    std::vector<int> moving;
    for (int row : m_dirty) {
        refreshKey(row);
        if (accepts(row))
            moving.push_back(row);
    }
    std::sort(moving.begin(), moving.end(), [this](int a, int b) { return lessThan(a, b); });
    std::vector<int> kept;
    kept.reserve(m_proxyToSource.size());
    for (int row : m_proxyToSource) {
        if (!m_isDirty[static_cast<size_t>(row)])
            kept.push_back(row);
    }
    const bool countChanges = kept.size() + moving.size() != m_proxyToSource.size();
    emit layoutAboutToBeChanged({}, countChanges ? NoLayoutChangeHint : VerticalSortHint);
    const QModelIndexList persistent = persistentIndexList();
    std::vector<int> persistentSource;
    persistentSource.reserve(static_cast<size_t>(persistent.size()));
    for (const auto& index : persistent)
        persistentSource.push_back(m_proxyToSource.at(static_cast<size_t>(index.row())));

    // One pass over the unchanged rows; each changed row finds its place by binary search.
    std::vector<int> placed;
    placed.reserve(kept.size() + moving.size());
    auto from = kept.begin();
    for (int row : moving) {
        const auto at = std::lower_bound(from, kept.end(), row,
                                         [this](int a, int b) { return lessThan(a, b); });
        placed.insert(placed.end(), from, at);
        placed.push_back(row);
        from = at;
    }
    placed.insert(placed.end(), from, kept.end());
    m_proxyToSource = std::move(placed);
    for (int row : m_dirty) {
        m_isDirty[static_cast<size_t>(row)] = 0;
        m_sourceToProxy[static_cast<size_t>(row)] = -1;
    }
    m_dirty.clear();
    reindexFrom(0);

    QModelIndexList moved;
    moved.reserve(persistent.size());
    for (qsizetype i = 0; i < persistent.size(); ++i) {
        const int row =
            m_sourceToProxy[static_cast<size_t>(persistentSource[static_cast<size_t>(i)])];
        moved.append(row < 0 ? QModelIndex() : index(row, persistent.at(i).column()));
    }
    changePersistentIndexList(persistent, moved);
    emit layoutChanged({}, countChanges ? NoLayoutChangeHint : VerticalSortHint);
}

void RecordViewModel::onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                                    const QList<int>& roles)
{
    if (!topLeft.isValid() || topLeft.parent().isValid())
        return;
    const int left = topLeft.column();
    const int right = bottomRight.column();
    bool placementMayChange = false;
    if (touchesValues(roles)) {
        placementMayChange = !m_search.isEmpty() || (m_sortColumn >= left && m_sortColumn <= right);
        for (auto it = m_columnFilters.cbegin();
             !placementMayChange && it != m_columnFilters.cend(); ++it)
            placementMayChange = it.key() >= left && it.key() <= right;
    }
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        if (placementMayChange)
            markDirty(row);
        // The cells update now; a row that has to move keeps its place until reposition().
        const int proxyRow = m_sourceToProxy[static_cast<size_t>(row)];
        if (proxyRow >= 0)
            emit dataChanged(index(proxyRow, left), index(proxyRow, right), roles);
    }
}

void RecordViewModel::onRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    for (int& row : m_proxyToSource) {
        if (row >= first)
            row += count;
    }
    m_sourceToProxy.insert(m_sourceToProxy.begin() + first, static_cast<size_t>(count), -1);
    m_isDirty.insert(m_isDirty.begin() + first, static_cast<size_t>(count), 0);
    if (m_sortColumn >= 0) // filled in when the new rows are placed (reposition)
        m_keys.insert(m_keys.begin() + first, static_cast<size_t>(count), SortKey());
    std::vector<int> accepted;
    for (int row = first; row <= last; ++row) {
        if (accepts(row))
            accepted.push_back(row);
    }
    if (accepted.empty())
        return;
    // New rows join at the end now and find their place at the end of the turn.
    const int end = static_cast<int>(m_proxyToSource.size());
    beginInsertRows({}, end, end + static_cast<int>(accepted.size()) - 1);
    m_proxyToSource.insert(m_proxyToSource.end(), accepted.begin(), accepted.end());
    reindexFrom(end);
    endInsertRows();
    for (int row : accepted)
        markDirty(row);
}

void RecordViewModel::onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    reposition();
    std::vector<int> proxyRows;
    for (int row = first; row <= last; ++row) {
        const int proxyRow = m_sourceToProxy[static_cast<size_t>(row)];
        if (proxyRow >= 0)
            proxyRows.push_back(proxyRow);
        m_sourceToProxy[static_cast<size_t>(row)] = -1;
    }
    std::sort(proxyRows.begin(), proxyRows.end(), std::greater<>());
    // Contiguous runs leave together, last run first so earlier positions stay valid.
    for (size_t i = 0; i < proxyRows.size();) {
        size_t j = i;
        while (j + 1 < proxyRows.size() && proxyRows[j + 1] == proxyRows[j] - 1)
            ++j;
        const int top = proxyRows[j];
        const int bottom = proxyRows[i];
        beginRemoveRows({}, top, bottom);
        m_proxyToSource.erase(m_proxyToSource.begin() + top, m_proxyToSource.begin() + bottom + 1);
        reindexFrom(top);
        endRemoveRows();
        i = j + 1;
    }
}

void RecordViewModel::onRowsRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    for (int& row : m_proxyToSource) {
        if (row > last)
            row -= count;
    }
    m_sourceToProxy.erase(m_sourceToProxy.begin() + first, m_sourceToProxy.begin() + last + 1);
    m_isDirty.erase(m_isDirty.begin() + first, m_isDirty.begin() + last + 1);
    if (m_sortColumn >= 0)
        m_keys.erase(m_keys.begin() + first, m_keys.begin() + last + 1);
}

QModelIndex RecordViewModel::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel())
        return {};
    return sourceModel()->index(m_proxyToSource.at(static_cast<size_t>(proxyIndex.row())),
                                proxyIndex.column());
}

QModelIndex RecordViewModel::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.parent().isValid())
        return {};
    const int row = m_sourceToProxy.at(static_cast<size_t>(sourceIndex.row()));
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QModelIndex RecordViewModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex RecordViewModel::parent(const QModelIndex&) const
{
    return {};
}

QModelIndex RecordViewModel::sibling(int row, int column, const QModelIndex&) const
{
    return index(row, column);
}

int RecordViewModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_proxyToSource.size());
}

int RecordViewModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

QVariant RecordViewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!sourceModel())
        return {};
    if (orientation == Qt::Horizontal)
        return sourceModel()->headerData(section, orientation, role);
    return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
}

} // namespace crm
