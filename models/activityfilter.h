#pragma once

#include <QSortFilterProxyModel>

namespace crm {

// Narrows the activity feed to one teammate, one module and/or one record (empty: all).
class ActivityFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setUser(const QString& userId);
    void setModule(const QString& module);
    void setRecord(const QString& recordId);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_user;
    QString m_module;
    QString m_record;
};

} // namespace crm
