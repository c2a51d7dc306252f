#include "server/storage/mutation.h"

#include "realtime/jsontext.h"
#include "realtime/socketiocodec.h"

namespace crm {

QString Mutation::opName(Op op)
{
    switch (op) {
    case Op::Create:
        return QStringLiteral("create");
    case Op::Update:
        return QStringLiteral("update");
    case Op::Delete:
        return QStringLiteral("delete");
    }
    return {};
}

std::optional<Mutation> Mutation::fromJson(const QJsonObject& json, const QString& clientId,
                                           QString* error, QString* code)
{
    if (code)
        *code = QStringLiteral("bad_request");
    Mutation m;
    m.clientId = clientId;
    m.module = json.value(QStringLiteral("module")).toString();
    m.id = json.value(QStringLiteral("id")).toString();
    const QString op = json.value(QStringLiteral("op")).toString();
    if (op == QStringLiteral("create"))
        m.op = Op::Create;
    else if (op == QStringLiteral("update"))
        m.op = Op::Update;
    else if (op == QStringLiteral("delete"))
        m.op = Op::Delete;
    else {
        *error = QStringLiteral("op must be create, update or delete");
        return std::nullopt;
    }
    if (m.module.isEmpty() || m.id.isEmpty() || m.id.size() > 64) {
        *error = QStringLiteral("module and id are required");
        return std::nullopt;
    }
    const auto mutationId = json.value(QStringLiteral("mutationId"));
    if (!clientId.isEmpty()) {
        if (!mutationId.isDouble() || mutationId.toDouble() < 1 ||
            mutationId.toDouble() > static_cast<double>(socketio::kMaxAckId) ||
            mutationId.toDouble() != static_cast<double>(mutationId.toInteger())) {
            *error = QStringLiteral("mutationId must be a positive whole number");
            return std::nullopt;
        }
        m.mutationId = mutationId.toInteger();
    }
    const auto base = json.value(QStringLiteral("baseVersion"));
    if (base.isDouble())
        m.baseVersion = base.toInteger();
    else if (!base.isUndefined() && !base.isNull()) {
        *error = QStringLiteral("baseVersion must be a number");
        return std::nullopt;
    }
    const auto fields = json.value(QStringLiteral("fields"));
    if (!fields.isUndefined() && !fields.isObject()) {
        *error = QStringLiteral("fields must be an object");
        return std::nullopt;
    }
    m.fields = fields.toObject();
    if (json::write(m.fields).size() > kMaxFieldsBytes) {
        *error = QStringLiteral("the changed fields exceed %1 KiB").arg(kMaxFieldsBytes / 1024);
        if (code)
            *code = QStringLiteral("too_large");
        return std::nullopt;
    }
    return m;
}

} // namespace crm
