#pragma once

#include "protocol/mutation.h"
#include "protocol/mutationresult.h"

#include <optional>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace crm {

// One local edit waiting for the server, exactly as it will be sent (and resent: the same
// mutationId every time, so the server can tell a resend from a new edit).
struct OutboxEntry
{
    qint64 mutationId = 0;
    QString module;
    QString recordId;
    Operation op = Operation::Update;
    std::optional<qint64> baseVersion;
    QJsonObject fields;
    int attempts = 0;
    QString createdAt;

    // The `mutate` message of docs/protocol.md section 5.3.
    Mutation toMutation() const;
};

// A local edit the server refused for good (validation, permission), kept with its reason until
// the user retries it after editing or discards it.
struct FailedEntry
{
    OutboxEntry entry;
    QString code;
    QString message;
};

// A local edit that met someone else's change: what the server said (base / mine / theirs per
// field, or that the record was deleted), until the user decides.
struct ConflictEntry
{
    qint64 id = 0;
    OutboxEntry entry;
    ConflictKind kind = ConflictKind::Fields;
    QJsonObject detail;

    // Who made the change this edit met, as the server names them (by.name on the conflict,
    // or on its first field that has one); empty when the server did not say.
    static QString author(const QJsonObject& detail)
    {
        // Only the members that name people: the record and values are not read.
        MutationResult named;
        named.by = Actor::fromJson(detail.value(QStringLiteral("by")).toObject());
        for (const auto& item : detail.value(QStringLiteral("conflicts")).toArray())
            named.conflicts.append(FieldConflict::fromJson(item.toObject()));
        return named.conflictAuthor();
    }
};

} // namespace crm
