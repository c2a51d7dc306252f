#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

namespace crm {

// Every `error.code` of docs/protocol.md, at both ends. On the wire they are snake_case names
// (errorCodeName); a name this build does not know (a newer peer's) reads as Unknown, and
// WireError keeps the name itself so nothing the peer said is lost.
enum class ErrorCode
{
    Unknown,
    // Shape and size (5.3, 5.5)
    BadRequest,
    BadJson,
    TooLarge,
    AckRequired,
    UnknownEvent,
    RateLimited,
    TooManyConnections,
    // Authentication (3)
    AuthMissing,
    AuthInvalid,
    AuthExpired,
    InvalidCredentials,
    TooManyAttempts,
    Unauthorized,
    // Exactly-once bookkeeping (5.3)
    ClientIdRequired,
    ClientIdInUse,
    // Content, checked against the schema (5.1)
    UnknownModule,
    UnknownField,
    WrongType,
    OutOfRange,
    NotInEnum,
    TooLong,
    BadFormat,
    Required,
    BadId,
    Exists,
    NoTeam,
    BaseVersionRequired,
    BadBaseVersion,
    // Reach and permission
    NotFound,
    Forbidden,
    ForbiddenField,
    // Presence and rooms (5.4)
    BadStatus,
    NotSubscribed,
    // People and pictures (6)
    UnknownTeam,
    BadRole,
    BadPicture,
    // HTTP requests (6)
    MethodNotAllowed,
    BadIfMatch,
    BadIdempotencyKey,
    // Tasks (5.6)
    UnknownKind,
    NotRunning,
    NotRetryable,
    // Collaborative notes (5.9)
    NoNotes,
    BadUpdate,
    MissingHistory,
    // The server's own trouble: not processed, try again later
    Storage,
    Unavailable,
    Busy,
};

QString errorCodeName(ErrorCode code);
ErrorCode errorCodeFromName(QStringView name);

// Refusals about who may see or change a record (not about the edit's content): the client stops
// offering edits of that record and says why.
bool isPermissionError(ErrorCode code);
// Their names, for looking them up where codes are stored as text.
QStringList permissionErrorNames();

} // namespace crm
