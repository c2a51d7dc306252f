#include "models/userdirectorymodel.h"

#include "core/clientcore.h"

#include <algorithm>
#include <QJsonObject>

namespace crm {

UserDirectoryModel::UserDirectoryModel(ClientCore& core, QObject* parent)
    : QAbstractListModel(parent), m_client(core.directory())
{
    take(m_client.keptUsers());
    connect(&m_client, &DirectoryClient::usersReceived, this, &UserDirectoryModel::take);
    connect(&core, &ClientCore::caughtUp, this, &UserDirectoryModel::refresh);
}

int UserDirectoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_users.size());
}

QVariant UserDirectoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject user = m_users.at(index.row()).toObject();
    switch (role) {
    case Qt::DisplayRole:
        return user.value(QStringLiteral("name")).toString();
    case UserIdRole:
        return user.value(QStringLiteral("id")).toString();
    case TeamIdRole:
        return user.value(QStringLiteral("teamId")).toString();
    case RoleRole:
        return user.value(QStringLiteral("role")).toString();
    case PictureVersionRole:
        return user.value(QStringLiteral("pictureVersion")).toInteger();
    default:
        return {};
    }
}

QHash<int, QByteArray> UserDirectoryModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(UserIdRole, "userId");
    names.insert(TeamIdRole, "teamId");
    names.insert(RoleRole, "role");
    names.insert(PictureVersionRole, "pictureVersion");
    return names;
}

int UserDirectoryModel::rowOf(const QString& userId) const
{
    for (qsizetype i = 0; i < m_users.size(); ++i) {
        if (m_users.at(i).toObject().value(QStringLiteral("id")).toString() == userId)
            return static_cast<int>(i);
    }
    return -1;
}

QString UserDirectoryModel::nameOf(const QString& userId) const
{
    const int row = rowOf(userId);
    return row < 0 ? QString() : index(row).data().toString();
}

void UserDirectoryModel::refresh()
{
    m_client.refresh();
}

void UserDirectoryModel::take(const QJsonArray& users)
{
    QList<QJsonValue> sorted(users.begin(), users.end());
    std::sort(sorted.begin(), sorted.end(), [](const QJsonValue& a, const QJsonValue& b) {
        return a.toObject()
                   .value(QStringLiteral("name"))
                   .toString()
                   .localeAwareCompare(b.toObject().value(QStringLiteral("name")).toString()) < 0;
    });
    QJsonArray next;
    for (const auto& user : sorted)
        next.append(user);
    if (next == m_users)
        return;
    // A handful of people, changing rarely: a reset is the honest signal here.
    beginResetModel();
    m_users = next;
    endResetModel();
}

} // namespace crm
