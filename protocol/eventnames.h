#pragma once

#include <QLatin1StringView>

// Every Socket.IO event name of docs/protocol.md, written once. A record's change events are
// named from the schema instead (ChangeEvent::eventName: "escrow:updated").
namespace crm::events {

// Client -> server (5.3, 5.4, 5.6)
inline constexpr QLatin1StringView Mutate{"mutate"};
inline constexpr QLatin1StringView MutateBatch{"mutate:batch"};
inline constexpr QLatin1StringView Echo{"echo"};
inline constexpr QLatin1StringView PresenceSet{"presence:set"};
inline constexpr QLatin1StringView RecordSubscribe{"record:subscribe"};
inline constexpr QLatin1StringView RecordUnsubscribe{"record:unsubscribe"};
inline constexpr QLatin1StringView PresenceEditing{"presence:editing"};
inline constexpr QLatin1StringView TaskStart{"task:start"};
inline constexpr QLatin1StringView TaskCancel{"task:cancel"};
inline constexpr QLatin1StringView TaskRetry{"task:retry"};
inline constexpr QLatin1StringView TaskList{"task:list"};
inline constexpr QLatin1StringView TaskReport{"task:report"};
// Collaborative notes (5.9): joined, edited and left per record; note:update and
// note:awareness also go server -> client.
inline constexpr QLatin1StringView NoteJoin{"note:join"};
inline constexpr QLatin1StringView NoteUpdate{"note:update"};
inline constexpr QLatin1StringView NoteAwareness{"note:awareness"};
inline constexpr QLatin1StringView NoteLeave{"note:leave"};

// Server -> client (5.2, 5.4, 5.5, 5.6)
inline constexpr QLatin1StringView SyncChanges{"sync:changes"};
inline constexpr QLatin1StringView SyncCaughtUp{"sync:caught-up"};
inline constexpr QLatin1StringView SyncRebootstrap{"sync:rebootstrap"};
inline constexpr QLatin1StringView AuthExpired{"auth:expired"};
inline constexpr QLatin1StringView AuthAccessChanged{"auth:access-changed"};
inline constexpr QLatin1StringView AuthRevoked{"auth:revoked"};
inline constexpr QLatin1StringView UserPicture{"user:picture"};
inline constexpr QLatin1StringView ProtocolError{"protocol:error"};
inline constexpr QLatin1StringView RateLimited{"rate:limited"};
inline constexpr QLatin1StringView PresenceSnapshot{"presence:snapshot"};
inline constexpr QLatin1StringView PresenceUpdate{"presence:update"};
// Task events: "ai:task:" + queued | started | progress | completed | failed | cancelled, and
// the list sent after catch-up. AiTaskCancel asks an external agent to stop.
inline constexpr QLatin1StringView AiTaskPrefix{"ai:task:"};
inline constexpr QLatin1StringView AiTaskList{"ai:task:list"};
inline constexpr QLatin1StringView AiTaskStarted{"ai:task:started"};
inline constexpr QLatin1StringView AiTaskProgress{"ai:task:progress"};
inline constexpr QLatin1StringView AiTaskCancel{"ai:task:cancel"};

} // namespace crm::events
