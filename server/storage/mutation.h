#pragma once

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

// One change a client asks for. Over the socket the JSON is
// {"module", "op": "create"|"update"|"delete", "id", "mutationId", "baseVersion", "fields"};
// the clientId comes from the connection (or the REST Idempotency-Key).
struct Mutation
{
    enum class Op
    {
        Create,
        Update,
        Delete
    };

    QString module;
    Op op = Op::Update;
    QString id;
    QString clientId; // empty: no exactly-once bookkeeping (one-off REST calls)
    qint64 mutationId = -1;
    std::optional<qint64> baseVersion;
    QJsonObject fields;

    // Shape errors only (missing id, unknown op, wrong JSON types); content is the schema's job.
    static std::optional<Mutation> fromJson(const QJsonObject& json, const QString& clientId,
                                            QString* error);
    static QString opName(Op op);
};

} // namespace crm
