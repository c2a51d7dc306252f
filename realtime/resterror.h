#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace crm {

// A REST failure, typed so callers branch on kind and code instead of parsing text.
// The server's JSON error body is {"error": {"code": "...", "message": "...", "details": {}}}.
struct RestError
{
    enum class Kind
    {
        None,        // success
        Network,     // no connection, refused, TLS failure, reset
        Timeout,     // no complete answer within the client's timeout
        Http,        // the server answered with a status >= 400 (code/message from its body)
        BadResponse, // the server answered 2xx with a body that is not the JSON it promised
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    QString code;    // machine-readable, e.g. "validation_failed", "not_found"
    QString message; // human-readable, from the server when it gave one
    QJsonObject details;

    bool isError() const { return kind != Kind::None; }
    // Worth retrying later with the same request: network trouble, timeouts, 408/429/5xx.
    bool isTransient() const;
    bool isUnauthorized() const { return kind == Kind::Http && httpStatus == 401; }
    QString describe() const;
};

struct RestReply
{
    int httpStatus = 0;
    QJsonValue body;
    QString text; // a text/* answer (a downloaded CSV), undecoded
    QString etag;
    RestError error;

    bool ok() const { return !error.isError(); }
};

} // namespace crm
