#include "models/recordviewersfilter.h"

#include "models/presencestore.h"

namespace crm {

RecordViewersFilter::RecordViewersFilter(QObject* parent) : QSortFilterProxyModel(parent)
{
    // Presence changes arrive as dataChanged on ViewingRole: re-filter on them.
    setDynamicSortFilter(true);
}

void RecordViewersFilter::setRecord(const QString& module, const QString& id)
{
    const QString key = id.isEmpty() ? QString() : module + u'/' + id;
    if (key == m_key)
        return;
    m_key = key;
    invalidateFilter();
}

bool RecordViewersFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_key.isEmpty())
        return false;
    return sourceModel()
        ->index(sourceRow, 0, sourceParent)
        .data(PresenceStore::ViewingRole)
        .toStringList()
        .contains(m_key);
}

} // namespace crm
