#pragma once

#include <QAbstractListModel>
#include <QJsonArray>

namespace crm {

class ClientCore;
class DirectoryClient;

// The people of the agent's brokerage (GET /api/users), for assignee pickers and names: kept in
// the profile so it works offline, refreshed after every catch-up. Display is the name.
class UserDirectoryModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        UserIdRole = Qt::UserRole + 1,
        TeamIdRole,
        RoleRole,           // agent, team-lead, broker-admin
        PictureVersionRole, // 0: no picture (UserPictureCache holds the pictures)
    };
    Q_ENUM(Role)

    explicit UserDirectoryModel(ClientCore& core, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString& userId) const;
    QString nameOf(const QString& userId) const;
    void refresh();

private:
    void take(const QJsonArray& users);

    DirectoryClient& m_client;
    QJsonArray m_users; // sorted by name
};

} // namespace crm
