#pragma once

#include "app/accountsession.h"
#include "core/clientcore.h"
#include "models/activitymodel.h"
#include "models/conflictmodel.h"
#include "models/failuremodel.h"
#include "models/notificationmodel.h"
#include "models/presencestore.h"
#include "models/recordtablemodel.h"
#include "models/serverinfo.h"
#include "models/syncstatus.h"
#include "models/tasklistmodel.h"
#include "models/userdirectorymodel.h"
#include "models/userpicturecache.h"

#include <memory>
#include <QObject>

namespace crm {

class SessionRenewer;

// Everything crm-desktop holds for one signed-in account on one server: the profile's local
// store and every model over it, the connection, the sync engine and the sign-in. It opens from
// the local copy with no network at all; goOnline() then signs in silently and connects. Widgets
// get the models from here and nothing else.
class DesktopSession : public QObject
{
    Q_OBJECT
public:
    // profileDir: this account's folder (see profileDirFor).
    DesktopSession(const QUrl& server, const QString& profileDir, QObject* parent = nullptr);
    ~DesktopSession() override;

    // The profile folder for an account: one per server and email.
    static QString profileDirFor(const QUrl& server, const QString& email);
    QString profileDir() const { return m_profileDir; }

    // Opens the local copy and builds the models (no network). False with the reason when the
    // profile cannot be opened.
    bool open(QString* error);
    // Connects with this access token (tests, --token), or with the stored sign-in.
    void goOnline(const QString& accessToken = {});
    void goOffline();

    AccountSession& account() { return m_account; }
    // The account's client core: every user action goes through it.
    ClientCore& core() { return *m_core; }
    ConnectionManager& connection() { return m_core->connection(); }
    LocalStore& store() { return m_core->store(); }
    SyncEngine& engine() { return m_core->engine(); }
    SyncStatus& status() { return *m_status; }
    PresenceStore& presence() { return *m_presence; }
    ActivityModel& activity() { return *m_activity; }
    NotificationModel& notifications() { return *m_notifications; }
    ConflictModel& conflicts() { return *m_conflicts; }
    FailureModel& failures() { return *m_failures; }
    UserDirectoryModel& users() { return *m_users; }
    UserPictureCache& pictures() { return *m_pictures; }
    ServerInfo& serverInfo() { return *m_serverInfo; }
    TaskListModel& tasks() { return *m_tasks; }
    // One table per module, in the schema's order.
    const QList<RecordTableModel*>& tables() const { return m_tables; }
    RecordTableModel* table(const QString& module) const;

signals:
    // The stored sign-in is gone or refused: the agent must sign in again. Nothing queued is
    // lost; the window keeps working on the local copy.
    void signInNeeded(const QString& reason);
    // The server told who the agent is (GET /api/me): {"id", "name", "role", "teamId", ...}.
    void userKnown(const QJsonObject& user);

private:
    void startWith(const QString& accessToken);

    QUrl m_server;
    QString m_profileDir;
    AccountSession m_account;
    QString m_fixedToken; // --token: no refresh
    std::unique_ptr<ClientCore> m_core;
    std::unique_ptr<SyncStatus> m_status;
    std::unique_ptr<PresenceStore> m_presence;
    std::unique_ptr<ActivityModel> m_activity;
    std::unique_ptr<NotificationModel> m_notifications;
    std::unique_ptr<ConflictModel> m_conflicts;
    std::unique_ptr<FailureModel> m_failures;
    std::unique_ptr<UserDirectoryModel> m_users;
    std::unique_ptr<UserPictureCache> m_pictures;
    std::unique_ptr<ServerInfo> m_serverInfo;
    std::unique_ptr<TaskListModel> m_tasks;
    std::unique_ptr<SessionRenewer> m_renewer;
    QList<RecordTableModel*> m_tables; // children of this object
};

} // namespace crm
