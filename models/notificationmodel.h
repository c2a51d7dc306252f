#pragma once

#include "models/outboxentry.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace crm {

class LocalStore;
class SyncEngine;

// What the agent should hear about, newest first, with unread state: a teammate assigned them a
// record or changed or deleted one of theirs, or one of their own edits met someone else's change
// or was refused. Drawn from the change stream and the engine's answers; the agent's own changes
// (from any of their devices) never notify. Bounded: the oldest leave beyond `capacity`.
class NotificationModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int unreadCount READ unreadCount NOTIFY unreadCountChanged)
public:
    enum class Kind
    {
        Assigned,   // a user field of a record now names the agent
        Changed,    // someone else changed a record the agent owns
        Deleted,    // someone else deleted a record the agent owns
        Conflicted, // the agent's edit met someone else's change
        Refused,    // the server refused the agent's edit
        Access,     // the agent's team or role changed: what they may see was reloaded
    };
    Q_ENUM(Kind)
    enum Role
    {
        KindRole = Qt::UserRole + 1,
        TitleRole, // one line: "Priya Shah assigned you task “Call the lender”"
        DetailRole,
        ModuleRole,
        RecordIdRole,
        ActorRole, // who did it (empty for the agent's own refused edits)
        AtRole,    // QDateTime (UTC)
        ReadRole,
    };
    Q_ENUM(Role)

    NotificationModel(LocalStore& store, SyncEngine& engine, int capacity = 200,
                      QObject* parent = nullptr);

    // Whose notifications these are (the signed-in user's id).
    void setUserId(const QString& userId) { m_userId = userId; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int unreadCount() const { return m_unread; }
    void markRead(int row);
    void markAllRead();

signals:
    void unreadCountChanged(int unread);
    // A new notification is at row 0 (toasts and the tray listen to this).
    void notified(crm::NotificationModel::Kind kind, const QString& title, const QString& module,
                  const QString& recordId);

private:
    struct Entry
    {
        Kind kind = Kind::Changed;
        QString title;
        QString detail;
        QString module;
        QString recordId;
        QString actor;
        QDateTime at;
        bool read = false;
    };

    void onChange(const QJsonObject& event, const QJsonObject& previous);
    void onAccessChanged(const QString& reason);
    void onConflict(const OutboxEntry& entry, const QString& kind);
    void onRefused(const OutboxEntry& entry, const QString& code, const QString& message);
    void add(Entry entry);
    // "escrow ESC-26867", "task “Call the lender”": how a record is named in a sentence.
    QString recordName(const QString& module, const QString& id) const;
    void setUnread(int unread);

    LocalStore& m_store;
    int m_capacity;
    QString m_userId;
    QList<Entry> m_entries; // newest first
    int m_unread = 0;
};

} // namespace crm
