#include "protocol/mutation.h"

#include "protocol/jsontext.h"
#include "protocol/socketiocodec.h"

namespace crm {

using namespace Qt::StringLiterals;

QString operationName(Operation op)
{
    switch (op) {
    case Operation::Create:
        return u"create"_s;
    case Operation::Update:
        return u"update"_s;
    case Operation::Delete:
        return u"delete"_s;
    }
    return {};
}

std::optional<Operation> operationFromName(QStringView name)
{
    if (name == "create"_L1)
        return Operation::Create;
    if (name == "update"_L1)
        return Operation::Update;
    if (name == "delete"_L1)
        return Operation::Delete;
    return std::nullopt;
}

QJsonObject Mutation::toJson() const
{
    QJsonObject json{{u"module"_s, module},
                     {u"op"_s, operationName(op)},
                     {u"id"_s, recordId},
                     {u"fields"_s, fields}};
    if (mutationId > 0)
        json.insert(u"mutationId"_s, mutationId);
    if (baseVersion)
        json.insert(u"baseVersion"_s, *baseVersion);
    return json;
}

Parsed<Mutation> Mutation::fromJson(const QJsonObject& json, const QString& clientId)
{
    Mutation m;
    m.clientId = clientId;
    const auto op = operationFromName(json.value(u"op"_s).toString());
    if (!op)
        return badMember(u"op"_s, u"must be create, update or delete"_s);
    m.op = *op;
    m.module = json.value(u"module"_s).toString();
    m.recordId = json.value(u"id"_s).toString();
    if (m.module.isEmpty())
        return badMember(u"module"_s, u"a module name is required"_s);
    if (m.recordId.isEmpty() || m.recordId.size() > kMaxIdLength)
        return badMember(u"id"_s,
                         u"a record id of 1 to %1 characters is required"_s.arg(kMaxIdLength));
    const QJsonValue mutationId = json.value(u"mutationId"_s);
    if (!clientId.isEmpty()) {
        const double number = mutationId.toDouble();
        if (!mutationId.isDouble() || number < 1 ||
            number > static_cast<double>(socketio::kMaxAckId) ||
            number != static_cast<double>(mutationId.toInteger()))
            return badMember(u"mutationId"_s, u"must be a positive whole number"_s);
        m.mutationId = mutationId.toInteger();
    }
    const QJsonValue base = json.value(u"baseVersion"_s);
    if (base.isDouble())
        m.baseVersion = base.toInteger();
    else if (!base.isUndefined() && !base.isNull())
        return badMember(u"baseVersion"_s, u"must be a number"_s);
    const QJsonValue fields = json.value(u"fields"_s);
    if (!fields.isUndefined() && !fields.isObject())
        return badMember(u"fields"_s, u"must be an object"_s);
    m.fields = fields.toObject();
    if (json::write(m.fields).size() > kMaxFieldsBytes)
        return WireError{ErrorCode::TooLarge,
                         u"the changed fields exceed %1 KiB"_s.arg(kMaxFieldsBytes / 1024),
                         u"fields"_s,
                         {}};
    return m;
}

} // namespace crm
