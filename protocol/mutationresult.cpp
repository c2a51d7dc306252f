#include "protocol/mutationresult.h"

#include "protocol/nametable.h"

#include <QJsonArray>

namespace crm {

using namespace Qt::StringLiterals;

QJsonObject FieldConflict::toJson() const
{
    return {{u"field"_s, field},
            {u"base"_s, base},
            {u"mine"_s, mine},
            {u"theirs"_s, theirs},
            {u"by"_s, by.toJson()}};
}

FieldConflict FieldConflict::fromJson(const QJsonObject& json)
{
    return {json.value(u"field"_s).toString(), json.value(u"base"_s), json.value(u"mine"_s),
            json.value(u"theirs"_s), Actor::fromJson(json.value(u"by"_s).toObject())};
}

namespace {

constexpr std::array kConflictKinds{
    std::pair{ConflictKind::Fields, "fields"_L1},
    std::pair{ConflictKind::Deleted, "deleted"_L1},
    std::pair{ConflictKind::Changed, "changed"_L1},
};

} // namespace

QString conflictKindName(ConflictKind kind)
{
    return nameIn(kConflictKinds, kind);
}

std::optional<ConflictKind> conflictKindFromName(QStringView name)
{
    return valueIn(kConflictKinds, name);
}

namespace {

using Status = MutationResult::Status;

constexpr std::array kStatuses{
    std::pair{Status::Applied, "applied"_L1},   std::pair{Status::Duplicate, "duplicate"_L1},
    std::pair{Status::Conflict, "conflict"_L1}, std::pair{Status::Rejected, "rejected"_L1},
    std::pair{Status::Error, "error"_L1},
};

} // namespace

QString mutationStatusName(MutationResult::Status status)
{
    return nameIn(kStatuses, status);
}

MutationResult MutationResult::rejected(ErrorCode code, const QString& message,
                                        const QString& field)
{
    MutationResult result;
    result.status = Status::Rejected;
    result.error = WireError{code, message, field, {}, {}};
    return result;
}

MutationResult MutationResult::storageError()
{
    MutationResult result;
    result.status = Status::Error;
    result.error = WireError{
        ErrorCode::Storage, u"The server could not store the change; retry later"_s, {}, {}, {}};
    return result;
}

QString MutationResult::conflictAuthor() const
{
    if (!by.name.isEmpty())
        return by.name;
    for (const auto& conflict : conflicts) {
        if (!conflict.by.name.isEmpty())
            return conflict.by.name;
    }
    return {};
}

QJsonObject MutationResult::toJson() const
{
    QJsonObject json{{u"status"_s, mutationStatusName(status)}};
    switch (status) {
    case Status::Applied:
        json.insert(u"module"_s, module);
        json.insert(u"id"_s, id);
        json.insert(u"version"_s, version);
        json.insert(u"seq"_s, seq ? QJsonValue(*seq) : QJsonValue(QJsonValue::Null));
        if (!record.isEmpty())
            json.insert(u"record"_s, record);
        if (deleted)
            json.insert(u"deleted"_s, true);
        break;
    case Status::Duplicate:
        if (original)
            json.insert(u"original"_s, original->toJson());
        break;
    case Status::Conflict: {
        json.insert(u"kind"_s, conflictKindName(kind));
        json.insert(u"module"_s, module);
        json.insert(u"id"_s, id);
        json.insert(u"version"_s, version);
        if (kind == ConflictKind::Fields) {
            QJsonArray list;
            for (const auto& conflict : conflicts)
                list.append(conflict.toJson());
            json.insert(u"conflicts"_s, list);
        }
        if (kind == ConflictKind::Deleted)
            json.insert(u"mine"_s, mine);
        if (!by.isEmpty())
            json.insert(u"by"_s, by.toJson());
        if (kind == ConflictKind::Changed)
            json.insert(u"changedFields"_s, QJsonArray::fromStringList(changedFields));
        if (!record.isEmpty())
            json.insert(u"record"_s, record);
        break;
    }
    case Status::Rejected:
    case Status::Error:
        json.insert(u"error"_s, error.toJson());
        break;
    }
    if (mutationId > 0)
        json.insert(u"mutationId"_s, mutationId);
    if (gapAfter)
        json.insert(u"gapAfter"_s, *gapAfter);
    return json;
}

Parsed<MutationResult> MutationResult::fromJson(const QJsonObject& json)
{
    const auto status = valueIn(kStatuses, json.value(u"status"_s).toString());
    if (!status)
        return badMember(u"status"_s, u"must be applied, duplicate, conflict, rejected or error"_s);
    MutationResult result;
    result.status = *status;
    result.module = json.value(u"module"_s).toString();
    result.id = json.value(u"id"_s).toString();
    result.version = json.value(u"version"_s).toInteger();
    if (const QJsonValue seq = json.value(u"seq"_s); seq.isDouble())
        result.seq = seq.toInteger();
    const QJsonValue record = json.value(u"record"_s);
    if (!record.isUndefined() && !record.isNull() && !record.isObject())
        return badMember(u"record"_s, u"must be an object"_s);
    result.record = record.toObject();
    result.deleted = json.value(u"deleted"_s).toBool();
    result.mutationId = json.value(u"mutationId"_s).toInteger(-1);
    if (const QJsonValue gap = json.value(u"gapAfter"_s); gap.isDouble())
        result.gapAfter = gap.toInteger();
    switch (result.status) {
    case Status::Applied:
        break;
    case Status::Duplicate:
        if (const QJsonValue original = json.value(u"original"_s); original.isObject()) {
            auto first = fromJson(original.toObject());
            if (!first.ok())
                return first.error();
            result.original = std::make_shared<const MutationResult>(std::move(first).value());
        }
        break;
    case Status::Conflict: {
        // A kind this build does not know (a newer server's) is still a conflict: the edit
        // waits for the agent, with the fields the server named.
        result.kind =
            conflictKindFromName(json.value(u"kind"_s).toString()).value_or(ConflictKind::Fields);
        for (const auto& item : json.value(u"conflicts"_s).toArray())
            result.conflicts.append(FieldConflict::fromJson(item.toObject()));
        result.mine = json.value(u"mine"_s).toObject();
        result.by = Actor::fromJson(json.value(u"by"_s).toObject());
        for (const auto& name : json.value(u"changedFields"_s).toArray())
            result.changedFields.append(name.toString());
        break;
    }
    case Status::Rejected:
    case Status::Error: {
        // Read leniently, like every error: a refusal that does not say why is still a refusal.
        result.error = WireError::fromJson(json.value(u"error"_s).toObject());
        break;
    }
    }
    return result;
}

} // namespace crm
