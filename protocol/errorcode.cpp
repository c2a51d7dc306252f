#include "protocol/errorcode.h"

#include "protocol/nametable.h"

#include <algorithm>
#include <array>
#include <utility>

namespace crm {

namespace {

using namespace Qt::StringLiterals;

// The one table of names: errorCodeName and errorCodeFromName both read it.
constexpr std::array kNames{
    std::pair{ErrorCode::BadRequest, "bad_request"_L1},
    std::pair{ErrorCode::BadJson, "bad_json"_L1},
    std::pair{ErrorCode::TooLarge, "too_large"_L1},
    std::pair{ErrorCode::AckRequired, "ack_required"_L1},
    std::pair{ErrorCode::UnknownEvent, "unknown_event"_L1},
    std::pair{ErrorCode::RateLimited, "rate_limited"_L1},
    std::pair{ErrorCode::TooManyConnections, "too_many_connections"_L1},
    std::pair{ErrorCode::AuthMissing, "auth_missing"_L1},
    std::pair{ErrorCode::AuthInvalid, "auth_invalid"_L1},
    std::pair{ErrorCode::AuthExpired, "auth_expired"_L1},
    std::pair{ErrorCode::InvalidCredentials, "invalid_credentials"_L1},
    std::pair{ErrorCode::TooManyAttempts, "too_many_attempts"_L1},
    std::pair{ErrorCode::Unauthorized, "unauthorized"_L1},
    std::pair{ErrorCode::ClientIdRequired, "client_id_required"_L1},
    std::pair{ErrorCode::ClientIdInUse, "client_id_in_use"_L1},
    std::pair{ErrorCode::UnknownModule, "unknown_module"_L1},
    std::pair{ErrorCode::UnknownField, "unknown_field"_L1},
    std::pair{ErrorCode::WrongType, "wrong_type"_L1},
    std::pair{ErrorCode::OutOfRange, "out_of_range"_L1},
    std::pair{ErrorCode::NotInEnum, "not_in_enum"_L1},
    std::pair{ErrorCode::TooLong, "too_long"_L1},
    std::pair{ErrorCode::BadFormat, "bad_format"_L1},
    std::pair{ErrorCode::Required, "required"_L1},
    std::pair{ErrorCode::BadId, "bad_id"_L1},
    std::pair{ErrorCode::Exists, "exists"_L1},
    std::pair{ErrorCode::NoTeam, "no_team"_L1},
    std::pair{ErrorCode::BaseVersionRequired, "base_version_required"_L1},
    std::pair{ErrorCode::BadBaseVersion, "bad_base_version"_L1},
    std::pair{ErrorCode::NotFound, "not_found"_L1},
    std::pair{ErrorCode::Forbidden, "forbidden"_L1},
    std::pair{ErrorCode::ForbiddenField, "forbidden_field"_L1},
    std::pair{ErrorCode::BadStatus, "bad_status"_L1},
    std::pair{ErrorCode::NotSubscribed, "not_subscribed"_L1},
    std::pair{ErrorCode::UnknownTeam, "unknown_team"_L1},
    std::pair{ErrorCode::BadRole, "bad_role"_L1},
    std::pair{ErrorCode::BadPicture, "bad_picture"_L1},
    std::pair{ErrorCode::MethodNotAllowed, "method_not_allowed"_L1},
    std::pair{ErrorCode::BadIfMatch, "bad_if_match"_L1},
    std::pair{ErrorCode::BadIdempotencyKey, "bad_idempotency_key"_L1},
    std::pair{ErrorCode::UnknownKind, "unknown_kind"_L1},
    std::pair{ErrorCode::NotRunning, "not_running"_L1},
    std::pair{ErrorCode::NotRetryable, "not_retryable"_L1},
    std::pair{ErrorCode::NoNotes, "no_notes"_L1},
    std::pair{ErrorCode::BadUpdate, "bad_update"_L1},
    std::pair{ErrorCode::MissingHistory, "missing_history"_L1},
    std::pair{ErrorCode::Storage, "storage"_L1},
    std::pair{ErrorCode::Unavailable, "unavailable"_L1},
    std::pair{ErrorCode::Busy, "busy"_L1},
};

} // namespace

QString errorCodeName(ErrorCode code)
{
    const QString name = nameIn(kNames, code);
    return name.isEmpty() ? u"unknown"_s : name;
}

ErrorCode errorCodeFromName(QStringView name)
{
    return valueIn(kNames, name).value_or(ErrorCode::Unknown);
}

namespace {

constexpr std::array kPermissionErrors{ErrorCode::Forbidden, ErrorCode::ForbiddenField,
                                       ErrorCode::NotFound};

} // namespace

bool isPermissionError(ErrorCode code)
{
    return std::find(kPermissionErrors.begin(), kPermissionErrors.end(), code) !=
           kPermissionErrors.end();
}

QStringList permissionErrorNames()
{
    QStringList names;
    for (const ErrorCode code : kPermissionErrors)
        names.append(errorCodeName(code));
    return names;
}

} // namespace crm
