#pragma once

#include "protocol/parsed.h"

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

enum class Operation
{
    Create,
    Update,
    Delete
};

QString operationName(Operation op);
std::optional<Operation> operationFromName(QStringView name);

// One change a client asks for (docs/protocol.md 5.3):
// {"module", "op", "id", "mutationId", "baseVersion"?, "fields"}. The client's outbox holds
// them; the server checks their shape here and their content against the schema.
struct Mutation
{
    QString module;
    Operation op = Operation::Update;
    QString recordId;
    qint64 mutationId = -1; // -1: none (a one-off REST call without an Idempotency-Key)
    std::optional<qint64> baseVersion;
    QJsonObject fields;
    // Not part of the payload: the sender, from the connection's CONNECT (or the REST
    // Idempotency-Key); empty means no exactly-once bookkeeping.
    QString clientId;

    // The changed fields of one mutation, serialised, may not exceed this: far below the frame
    // limit, so an oversized edit is refused on its own and the connection stays.
    static constexpr qsizetype kMaxFieldsBytes = 64 * 1024;
    static constexpr qsizetype kMaxIdLength = 64;

    QJsonObject toJson() const;
    // Shape only: bad_request (a member missing or of the wrong type, an unknown op, a
    // mutationId that is not a whole number from 1 when `clientId` is set) or too_large.
    static Parsed<Mutation> fromJson(const QJsonObject& json, const QString& clientId);

    friend bool operator==(const Mutation&, const Mutation&) = default;
};

} // namespace crm
