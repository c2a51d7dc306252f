#pragma once

#include "app/desktopsession.h"
#include "models/notemodel.h"
#include "ui/workspace.h"

namespace crm {

// The models of a session, as a main window binds to them.
inline Workspace workspaceOf(DesktopSession& session, const QString& serverLabel)
{
    Workspace workspace;
    workspace.status = &session.status();
    workspace.presence = &session.presence();
    workspace.notifications = &session.notifications();
    workspace.conflicts = &session.conflicts();
    workspace.failures = &session.failures();
    workspace.users = &session.users();
    workspace.tasks = &session.tasks();
    workspace.activity = &session.activity();
    workspace.pictures = &session.pictures();
    workspace.server = &session.serverInfo();
    workspace.tables = session.tables();
    workspace.openNote = [&session](const QString& module, const QString& id,
                                    const QString& ownName, const QString& ownColor,
                                    const QString& ownUserId) {
        return new NoteModel(session.core(), module, id, ownName, ownColor, ownUserId);
    };
    workspace.serverLabel = serverLabel;
    return workspace;
}

} // namespace crm
