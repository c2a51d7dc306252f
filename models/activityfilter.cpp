#include "models/activityfilter.h"

#include "models/activitymodel.h"

namespace crm {

void ActivityFilter::setUser(const QString& userId)
{
    m_user = userId;
    invalidateFilter();
}

void ActivityFilter::setModule(const QString& module)
{
    m_module = module;
    invalidateFilter();
}

void ActivityFilter::setRecord(const QString& recordId)
{
    m_record = recordId;
    invalidateFilter();
}

bool ActivityFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    auto matches = [&](const QString& wanted, int role) {
        return wanted.isEmpty() || index.data(role).toString() == wanted;
    };
    return matches(m_user, ActivityModel::UserIdRole) &&
           matches(m_module, ActivityModel::ModuleRole) &&
           matches(m_record, ActivityModel::RecordIdRole);
}

} // namespace crm
