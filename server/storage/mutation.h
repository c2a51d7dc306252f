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

    // The changed fields of one mutation, serialised, may not exceed this: far below the frame
    // limit, so an oversized edit is refused on its own and the connection stays.
    static constexpr qsizetype kMaxFieldsBytes = 64 * 1024;

    // Shape errors only (missing id, unknown op, wrong JSON types, too large); content is the
    // schema's job. *code is "bad_request" or "too_large".
    static std::optional<Mutation> fromJson(const QJsonObject& json, const QString& clientId,
                                            QString* error, QString* code = nullptr);
    static QString opName(Op op);
};

} // namespace crm
