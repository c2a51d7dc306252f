#pragma once

#include "models/userpicturecache.h"

#include <optional>
#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace crm {

class ConnectionManager;

// Who is online in the brokerage and what each one views and edits, from the server's
// presence:snapshot / presence:update (docs/protocol.md 5.4). One row per present user; a user
// going offline leaves the model. userChanged() lets avatars refresh one user without touching
// the record tables. Also sends this agent's own presence (status, viewed record, edited field).
class PresenceStore : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY onlineCountChanged)
public:
    enum Role
    {
        UserIdRole = Qt::UserRole + 1,
        NameRole,
        StatusRole,   // online, away, busy
        InitialsRole, // "AR" for Alex Rivera
        HueRole,      // a stable hue (0-359) per user: the avatar colour, without Qt Gui here
        ViewingRole,  // QStringList of "module/id"
        EditingRole,  // QStringList of "module/id/field"
        SessionsRole, // windows or devices
        PictureRole,  // PNG or JPEG bytes, empty without a picture (setPictures)
    };
    Q_ENUM(Role)

    struct Presence
    {
        QString userId;
        QString name;
        QString status;
        int sessions = 0;
        QJsonArray viewing;
        QJsonArray editing;
    };

    explicit PresenceStore(ConnectionManager& connection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int onlineCount() const { return static_cast<int>(m_users.size()); }
    std::optional<Presence> presenceOf(const QString& userId) const;
    // Users (other than `exceptUser`) viewing a record, and who edits one of its fields.
    QStringList viewersOf(const QString& module, const QString& id,
                          const QString& exceptUser = {}) const;
    QString editorOf(const QString& module, const QString& id, const QString& field,
                     const QString& exceptUser = {}) const;

    // Where PictureRole comes from; each change there refreshes that person's row.
    void setPictures(const UserPictureCache* pictures);

    static QString initialsOf(const QString& name);
    static int hueOf(const QString& userId);

    // This agent's own presence. Sent now when online, else when the link is back (only the
    // newest value of each).
    void setOwnStatus(const QString& status);
    void viewRecord(const QString& module, const QString& id);
    void editField(const QString& field);

signals:
    void userChanged(const QString& userId);
    void onlineCountChanged(int count);

private:
    void onEvent(const QString& event, const QJsonArray& args);
    void upsert(const Presence& presence);
    void remove(const QString& userId);
    int rowOf(const QString& userId) const;
    static Presence fromJson(const QJsonObject& json);

    ConnectionManager& m_connection;
    QPointer<const UserPictureCache> m_pictures; // may go before us
    QList<Presence> m_users;
};

} // namespace crm
