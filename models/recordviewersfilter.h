#pragma once

#include <QSortFilterProxyModel>

namespace crm {

// The users of a PresenceStore who are viewing one record ("module/id"): the editor's avatars.
class RecordViewersFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RecordViewersFilter(QObject* parent = nullptr);
    void setRecord(const QString& module, const QString& id);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_key;
};

} // namespace crm
