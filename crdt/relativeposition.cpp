#include "crdt/relativeposition.h"

#include "crdt/textdocument.h"

#include <cmath>

namespace crm::crdt {

namespace {

// JSON numbers are doubles: a client or clock is a whole number below 2^53.
std::optional<quint64> wholeNumber(const QJsonValue& value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (number < 0 || number > 9007199254740991.0 || std::floor(number) != number)
        return std::nullopt;
    return quint64(number);
}

} // namespace

RelativePosition RelativePosition::at(const TextDocument& doc, qsizetype index, int assoc)
{
    if (assoc < 0) {
        // Attached to the character before the place; the very start has none.
        if (index <= 0)
            return {std::nullopt, assoc};
        return {doc.idAt(std::min(index, doc.text().size()) - 1), assoc};
    }
    return {doc.idAt(index), assoc};
}

std::optional<qsizetype> RelativePosition::resolve(const TextDocument& doc) const
{
    if (!item)
        return assoc >= 0 ? doc.text().size() : 0;
    const auto held = doc.stateVector();
    const auto known = held.find(item->client);
    if (known == held.end() || known->second <= item->clock)
        return std::nullopt;
    const qsizetype position = doc.positionOf(*item);
    // A deleted character leaves its place: the position is where it stood, whichever side.
    if (doc.isDeleted(*item))
        return position;
    return position + (assoc >= 0 ? 0 : 1);
}

QJsonObject RelativePosition::toJson(const QString& rootName) const
{
    QJsonObject json{{QStringLiteral("tname"), rootName}, {QStringLiteral("assoc"), assoc}};
    if (item)
        json.insert(QStringLiteral("item"),
                    QJsonObject{{QStringLiteral("client"), double(item->client)},
                                {QStringLiteral("clock"), double(item->clock)}});
    return json;
}

std::optional<RelativePosition> RelativePosition::fromJson(const QJsonValue& json,
                                                           const QString& rootName)
{
    if (!json.isObject())
        return std::nullopt;
    const QJsonObject object = json.toObject();
    // A position inside a nested type (`type`) or another root is not in this note's text.
    // Editors that send the position object itself write `"type": null` for a root type.
    const QJsonValue type = object.value(QStringLiteral("type"));
    if ((!type.isUndefined() && !type.isNull()) ||
        object.value(QStringLiteral("tname")).toString() != rootName)
        return std::nullopt;
    RelativePosition position;
    const QJsonValue assoc = object.value(QStringLiteral("assoc"));
    if (!assoc.isUndefined() && !assoc.isNull()) {
        if (!assoc.isDouble())
            return std::nullopt;
        position.assoc = assoc.toDouble() < 0 ? -1 : 0;
    }
    const QJsonValue item = object.value(QStringLiteral("item"));
    if (item.isUndefined() || item.isNull())
        return position;
    const auto client = wholeNumber(item.toObject().value(QStringLiteral("client")));
    const auto clock = wholeNumber(item.toObject().value(QStringLiteral("clock")));
    if (!item.isObject() || !client || !clock)
        return std::nullopt;
    position.item = YId{*client, *clock};
    return position;
}

} // namespace crm::crdt
