#pragma once

#include "core/outboxentry.h"
#include "protocol/changeevent.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace crm {

class ClientCore;
class UserDirectoryModel;
struct FieldSpec;
struct ModuleSpec;

// What the agent should hear about, newest first, with unread state: a teammate assigned them a
// record or changed or deleted one of theirs, or one of their own edits met someone else's change
// or was refused. Drawn from the change stream and the engine's answers; the agent's own changes
// (from any of their devices) never notify. Bounded: the oldest leave beyond `capacity`.
// A change says what changed: the record by its name and each field before -> after, in the
// words and formats the table uses ("ben changed the purchase price of your escrow “ESC-1”:
// $450,000 → $465,000").
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
        TitleRole,  // one line: "Priya Shah assigned you task “Call the lender”"
        DetailRole, // what else there is to say: each changed field's before -> after, a reason
        ModuleRole,
        RecordIdRole,
        ActorRole, // who did it (empty for the agent's own refused edits)
        AtRole,    // QDateTime (UTC)
        ReadRole,
        IdRole, // qint64, stable while the notification is kept (rows move as new ones come)
    };
    Q_ENUM(Role)

    explicit NotificationModel(ClientCore& core, int capacity = 200, QObject* parent = nullptr);

    // Whose notifications these are (the signed-in user's id).
    void setUserId(const QString& userId) { m_userId = userId; }
    // Names for user fields ("assigned agent: Ana → ben"); without it they read as ids.
    void setUserDirectory(const UserDirectoryModel* users) { m_users = users; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int unreadCount() const { return m_unread; }
    void markRead(int row);
    void markAllRead();
    // -1 once it has left (the bound, or never there).
    int rowOfId(qint64 id) const;

signals:
    void unreadCountChanged(int unread);
    // A new notification is at row 0 (toasts and the desktop notifier listen to this).
    void notified(qint64 id);

private:
    struct Entry
    {
        qint64 id = 0;
        Kind kind = Kind::Changed;
        QString title;
        QString detail;
        QString module;
        QString recordId;
        QString actor;
        QDateTime at;
        bool read = false;
    };

    void onChange(const crm::ChangeEvent& event, const QJsonObject& previous);
    void onAccessChanged(const QString& reason);
    void onConflict(const OutboxEntry& outboxEntry, const QString& kind, const QJsonObject& detail);
    void onRefused(const OutboxEntry& entry, const QString& code, const QString& message);
    void add(Entry entry);
    // "escrow “ESC-26867”", "task “Call the lender”": how a record is named in a sentence, from
    // the fields at hand (an event's, or a deleted record's last values) or else the store.
    QString recordName(const QString& module, const QString& id,
                       const QJsonObject& known = {}) const;
    // A field's value as the table shows it; references and people by their names.
    QString valueText(const FieldSpec& field, const QJsonValue& value) const;
    // What one update changed, to `entry`'s title and detail.
    void describeChange(Entry& entry, const ModuleSpec& spec, const ChangeEvent& event,
                        const QJsonObject& previous) const;
    void setUnread(int unread);

    ClientCore& m_core;
    const UserDirectoryModel* m_users = nullptr;
    int m_capacity;
    qint64 m_nextId = 1;
    QString m_userId;
    QList<Entry> m_entries; // newest first
    int m_unread = 0;
};

} // namespace crm
