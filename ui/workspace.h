#pragma once

#include <functional>
#include <QList>
#include <QString>

namespace crm {

class ActivityModel;
class ConflictModel;
class FailureModel;
class NoteModel;
class NotificationModel;
class PresenceStore;
class RecordTableModel;
class ServerInfo;
class SyncStatus;
class TaskListModel;
class UserDirectoryModel;
class UserPictureCache;

// The models a main window binds to (owned elsewhere, by the app's session).
struct Workspace
{
    SyncStatus* status = nullptr;
    PresenceStore* presence = nullptr;
    NotificationModel* notifications = nullptr; // optional
    ConflictModel* conflicts = nullptr;         // optional
    FailureModel* failures = nullptr;           // optional
    UserDirectoryModel* users = nullptr;        // optional
    TaskListModel* tasks = nullptr;             // optional
    ActivityModel* activity = nullptr;          // optional
    UserPictureCache* pictures = nullptr;       // optional: File > Set my picture
    ServerInfo* server = nullptr;               // optional: its version in Help > About
    QList<RecordTableModel*> tables;            // one per module, schema order
    // Opens a record's shared notes as this user (name and "#rrggbb" colour, what colleagues
    // see); the caller owns the model. Optional: without it the editor shows no notes.
    std::function<NoteModel*(const QString& module, const QString& id, const QString& ownName,
                             const QString& ownColor, const QString& ownUserId)>
        openNote;
    QString ownUserId;
    QString ownName;
    QString serverLabel;
};

} // namespace crm
