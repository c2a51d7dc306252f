#pragma once

#include "protocol/errorcode.h"

#include <QJsonObject>
#include <QString>

namespace crm {

// An error as the wire carries it: {"code", "message", "field"?}. The same type says why a
// message was refused by a parser of this library, so both ends report malformed input alike.
struct WireError
{
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
    QString field;       // the field it is about, when there is one
    QString unknownName; // the peer's code when it is one this build does not know
    // Which member of a message a parser of this library refused; never on the wire.
    QString member;

    // The snake_case name: the code's, or the one the peer sent when this build does not know it.
    QString codeName() const
    {
        if (code != ErrorCode::Unknown)
            return errorCodeName(code);
        return unknownName.isEmpty() ? errorCodeName(code) : unknownName;
    }
    QJsonObject toJson() const;
    // Lenient on purpose: an error is read to be shown, so a missing message or an unknown code
    // still gives a usable WireError.
    static WireError fromJson(const QJsonObject& json);
    // "not_found: This escrow does not exist"
    QString describe() const;

    friend bool operator==(const WireError&, const WireError&) = default;
};

} // namespace crm
