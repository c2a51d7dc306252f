#pragma once

#include "models/userpicturecache.h"
#include "protocol/presence.h"

#include <optional>
#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace crm {

class ClientCore;

// Who is online in the brokerage and what each one views and edits, from the server's
// presence:snapshot / presence:update (docs/protocol.md 5.4). One row per present user; a user
// going offline leaves the model. userChanged() lets avatars refresh one user without touching
// the record tables. Also sends this agent's own presence (status, viewed record, edited field).
//
// It never claims more than it knows: from the moment the link stops being live until the
// server's next presence:snapshot, every row is stale (StaleRole, also the header's StaleRole and
// `live` for the whole list), with LastSeenRole saying when it was last known true.
class PresenceStore : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY onlineCountChanged)
    Q_PROPERTY(bool live READ isLive NOTIFY liveChanged)
public:
    enum Role
    {
        UserIdRole = Qt::UserRole + 1,
        NameRole,
        StatusRole,    // online, away, busy
        InitialsRole,  // "AR" for Alex Rivera
        ColorSlotRole, // 0 .. kColorSlots - 1: which avatar colour (the palette is the UI's)
        ViewingRole,   // QStringList of "module/id"
        EditingRole,   // QStringList of "module/id/field"
        SessionsRole,  // windows or devices
        PictureRole,   // PNG or JPEG bytes, empty without a picture (setPictures)
        StaleRole,     // true while the link is down: the row is last known, not current
        LastSeenRole,  // QDateTime (UTC) this row was last known to be true
    };
    Q_ENUM(Role)

    // What the server said about the user, and what this list adds to it.
    struct Presence : crm::Presence
    {
        int colorSlot = 0;
        QDateTime lastSeen;
    };

    // How many avatar colours there are; the UI's palette has exactly this many.
    static constexpr int kColorSlots = 12;

    explicit PresenceStore(ClientCore& core, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    // StaleRole for the list as a whole (section 0), so a view of no rows can tell too.
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    int onlineCount() const { return static_cast<int>(m_users.size()); }
    // False from a link loss until the server's next snapshot (and before the first one).
    bool isLive() const { return m_live; }
    std::optional<Presence> presenceOf(const QString& userId) const;
    // Users (other than `exceptUser`) viewing a record, and who edits one of its fields.
    QStringList viewersOf(const QString& module, const QString& id,
                          const QString& exceptUser = {}) const;
    QString editorOf(const QString& module, const QString& id, const QString& field,
                     const QString& exceptUser = {}) const;

    // Where PictureRole comes from; each change there refreshes that person's row.
    void setPictures(const UserPictureCache* pictures);

    static QString initialsOf(const QString& name);
    // The colour slot a user gets unless someone present has it already: stable across runs and
    // machines, so the same person tends to have the same colour for everyone.
    static int preferredColorSlot(const QString& userId);

    // This agent's own presence. Sent now when online, else when the link is back (only the
    // newest value of each).
    void setOwnStatus(const QString& status);
    void viewRecord(const QString& module, const QString& id);
    void editField(const QString& field);

signals:
    void userChanged(const QString& userId);
    void onlineCountChanged(int count);
    void liveChanged(bool live);

private:
    void onSnapshot(const crm::PresenceSnapshot& snapshot);
    void onUpdate(const crm::Presence& update);
    void onLinkDown();
    void setLive(bool live);
    int freeColorSlot(const QString& userId) const;
    void upsert(Presence presence);
    void remove(const QString& userId);
    int rowOf(const QString& userId) const;

    ClientCore& m_core;
    QPointer<const UserPictureCache> m_pictures; // may go before us
    QList<Presence> m_users;
    bool m_live = false;
};

} // namespace crm
