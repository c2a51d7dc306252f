#include "protocol/mutation.h"

#include "protocol/jsontext.h"
#include "protocol/nametable.h"
#include "protocol/socketiocodec.h"

namespace crm {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array kOperations{
    std::pair{Operation::Create, "create"_L1},
    std::pair{Operation::Update, "update"_L1},
    std::pair{Operation::Delete, "delete"_L1},
};

} // namespace

QString operationName(Operation op)
{
    return nameIn(kOperations, op);
}

std::optional<Operation> operationFromName(QStringView name)
{
    return valueIn(kOperations, name);
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
    if (m.module.isEmpty() || m.recordId.isEmpty() || m.recordId.size() > kMaxIdLength) {
        WireError missing = badMember(m.module.isEmpty() ? u"module"_s : u"id"_s, {});
        missing.message = u"module and id are required"_s;
        return missing;
    }
    if (!clientId.isEmpty()) {
        // Ack ids and mutation ids share Socket.IO's range.
        const auto mutationId = wholeNumber(json.value(u"mutationId"_s), 1, socketio::kMaxAckId);
        if (!mutationId)
            return badMember(u"mutationId"_s, u"must be a positive whole number"_s);
        m.mutationId = *mutationId;
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
    if (json::write(m.fields).size() > kMaxFieldsBytes) {
        WireError tooLarge = badMember(u"fields"_s, {});
        tooLarge.code = ErrorCode::TooLarge;
        tooLarge.message = u"the changed fields exceed %1 KiB"_s.arg(kMaxFieldsBytes / 1024);
        return tooLarge;
    }
    return m;
}

} // namespace crm
