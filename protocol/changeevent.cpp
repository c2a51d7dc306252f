#include "protocol/changeevent.h"

#include "protocol/nametable.h"

#include <QJsonArray>

namespace crm {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array kChangeKinds{
    std::pair{ChangeKind::Created, "created"_L1},
    std::pair{ChangeKind::Updated, "updated"_L1},
    std::pair{ChangeKind::Deleted, "deleted"_L1},
};

} // namespace

QString changeKindName(ChangeKind kind)
{
    return nameIn(kChangeKinds, kind);
}

std::optional<ChangeKind> changeKindFromName(QStringView name)
{
    return valueIn(kChangeKinds, name);
}

QJsonObject ChangeEvent::toJson() const
{
    QJsonObject json{
        {u"module"_s, module}, {u"id"_s, id},           {u"kind"_s, changeKindName(kind)},
        {u"fields"_s, fields}, {u"version"_s, version}, {u"seq"_s, seq},
        {u"teamId"_s, teamId}, {u"ownerId"_s, ownerId}, {u"by"_s, by.toJson()},
        {u"at"_s, at}};
    if (!masked.isEmpty())
        json.insert(u"masked"_s, QJsonArray::fromStringList(masked));
    if (!clientId.isEmpty()) {
        json.insert(u"clientId"_s, clientId);
        json.insert(u"mutationId"_s, mutationId);
    }
    if (!event.isEmpty())
        json.insert(u"event"_s, event);
    return json;
}

Parsed<ChangeEvent> ChangeEvent::fromJson(const QJsonObject& json)
{
    ChangeEvent change;
    change.module = json.value(u"module"_s).toString();
    change.id = json.value(u"id"_s).toString();
    if (change.module.isEmpty())
        return badMember(u"module"_s, u"is required"_s);
    if (change.id.isEmpty())
        return badMember(u"id"_s, u"is required"_s);
    const auto kind = changeKindFromName(json.value(u"kind"_s).toString());
    if (!kind)
        return badMember(u"kind"_s, u"must be created, updated or deleted"_s);
    change.kind = *kind;
    const auto version = wholeNumber(json.value(u"version"_s), 1);
    if (!version)
        return badMember(u"version"_s, u"must be a whole number from 1"_s);
    change.version = *version;
    const auto seq = wholeNumber(json.value(u"seq"_s), 1);
    if (!seq)
        return badMember(u"seq"_s, u"must be a whole number from 1"_s);
    change.seq = *seq;
    const QJsonValue fields = json.value(u"fields"_s);
    if (!fields.isUndefined() && !fields.isObject())
        return badMember(u"fields"_s, u"must be an object"_s);
    change.fields = fields.toObject();
    const QJsonValue masked = json.value(u"masked"_s);
    if (!masked.isUndefined() && !masked.isArray())
        return badMember(u"masked"_s, u"must be a list of field names"_s);
    for (const auto& name : masked.toArray()) {
        if (!name.isString())
            return badMember(u"masked"_s, u"must be a list of field names"_s);
        change.masked.append(name.toString());
    }
    change.teamId = json.value(u"teamId"_s).toString();
    change.ownerId = json.value(u"ownerId"_s).toString();
    change.by = Actor::fromJson(json.value(u"by"_s).toObject());
    change.at = json.value(u"at"_s).toString();
    change.clientId = json.value(u"clientId"_s).toString();
    change.mutationId = json.value(u"mutationId"_s).toInteger(-1);
    change.event = json.value(u"event"_s).toString();
    return change;
}

QString ChangeEvent::eventName(const QString& singular, ChangeKind kind)
{
    return singular + u':' + changeKindName(kind);
}

std::optional<ChangeKind> ChangeEvent::kindOfEventName(QStringView event)
{
    const qsizetype colon = event.lastIndexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    return changeKindFromName(event.mid(colon + 1));
}

QJsonObject ChangePage::toJson() const
{
    QJsonArray list;
    for (const auto& change : changes)
        list.append(change.toJson());
    return {{u"fromSeq"_s, fromSeq}, {u"toSeq"_s, toSeq}, {u"changes"_s, list}};
}

Parsed<ChangePage> ChangePage::fromJson(const QJsonObject& json)
{
    const QJsonValue list = json.value(u"changes"_s);
    if (!list.isArray())
        return badMember(u"changes"_s, u"must be a list of change events"_s);
    ChangePage page;
    page.fromSeq = json.value(u"fromSeq"_s).toInteger();
    page.toSeq = json.value(u"toSeq"_s).toInteger();
    const QJsonArray changes = list.toArray();
    page.changes.reserve(changes.size());
    for (const auto& item : changes) {
        if (!item.isObject())
            return badMember(u"changes"_s, u"every entry must be an object"_s);
        auto change = ChangeEvent::fromJson(item.toObject());
        if (!change.ok()) {
            WireError error = change.error();
            error.message = u"changes: "_s + error.message;
            return error;
        }
        page.changes.append(std::move(change).value());
    }
    return page;
}

} // namespace crm
