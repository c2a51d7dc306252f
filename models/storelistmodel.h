#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSet>

namespace crm {

// A list model over rows the local store keeps (open conflicts, refused edits): brought up to
// date with the store by removing the rows that left and appending the new ones, never a reset.
// Keys only grow in the store, so appending keeps the order.
class StoreListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    using QAbstractListModel::QAbstractListModel;

protected:
    template <typename Row, typename KeyOf>
    void syncRows(QList<Row>& rows, const QList<Row>& now, KeyOf keyOf)
    {
        QSet<qint64> present;
        for (const auto& row : now)
            present.insert(keyOf(row));
        for (int i = static_cast<int>(rows.size()) - 1; i >= 0; --i) {
            if (!present.contains(keyOf(rows.at(i)))) {
                beginRemoveRows({}, i, i);
                rows.removeAt(i);
                endRemoveRows();
            }
        }
        QSet<qint64> known;
        for (const auto& row : rows)
            known.insert(keyOf(row));
        for (const auto& row : now) {
            if (known.contains(keyOf(row)))
                continue;
            const int at = static_cast<int>(rows.size());
            beginInsertRows({}, at, at);
            rows.append(row);
            endInsertRows();
        }
    }
};

} // namespace crm
