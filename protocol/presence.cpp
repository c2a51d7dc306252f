#include "protocol/presence.h"

#include "protocol/nametable.h"

#include <QJsonArray>

namespace crm {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array kPresenceStatuses{
    std::pair{PresenceStatus::Offline, "offline"_L1},
    std::pair{PresenceStatus::Away, "away"_L1},
    std::pair{PresenceStatus::Online, "online"_L1},
    std::pair{PresenceStatus::Busy, "busy"_L1},
};

} // namespace

QString presenceStatusName(PresenceStatus status)
{
    return nameIn(kPresenceStatuses, status);
}

std::optional<PresenceStatus> presenceStatusFromName(QStringView name)
{
    return valueIn(kPresenceStatuses, name);
}

QJsonObject RecordRef::toJson() const
{
    QJsonObject json{{u"module"_s, module}, {u"id"_s, id}};
    if (!field.isEmpty())
        json.insert(u"field"_s, field);
    return json;
}

RecordRef RecordRef::fromJson(const QJsonObject& json)
{
    return {json.value(u"module"_s).toString(), json.value(u"id"_s).toString(),
            json.value(u"field"_s).toString()};
}

namespace {

QJsonArray refsToJson(const QList<RecordRef>& refs)
{
    QJsonArray list;
    for (const auto& ref : refs)
        list.append(ref.toJson());
    return list;
}

QList<RecordRef> refsFromJson(const QJsonValue& value)
{
    QList<RecordRef> refs;
    for (const auto& item : value.toArray())
        refs.append(RecordRef::fromJson(item.toObject()));
    return refs;
}

} // namespace

QJsonObject Presence::toJson() const
{
    QJsonObject json{{u"userId"_s, userId},
                     {u"status"_s, presenceStatusName(status)},
                     {u"sessions"_s, sessions},
                     {u"viewing"_s, refsToJson(viewing)},
                     {u"editing"_s, refsToJson(editing)}};
    if (!name.isEmpty())
        json.insert(u"name"_s, name);
    return json;
}

Parsed<Presence> Presence::fromJson(const QJsonObject& json)
{
    Presence presence;
    presence.userId = json.value(u"userId"_s).toString();
    if (presence.userId.isEmpty())
        return badMember(u"userId"_s, u"is required"_s);
    const auto status = presenceStatusFromName(json.value(u"status"_s).toString());
    if (!status)
        return badMember(u"status"_s, u"must be online, away, busy or offline"_s);
    presence.status = *status;
    presence.name = json.value(u"name"_s).toString();
    presence.sessions = json.value(u"sessions"_s).toInt();
    presence.viewing = refsFromJson(json.value(u"viewing"_s));
    presence.editing = refsFromJson(json.value(u"editing"_s));
    return presence;
}

QJsonObject PresenceSnapshot::toJson() const
{
    return {{u"users"_s, listToJson(users)}};
}

Parsed<PresenceSnapshot> PresenceSnapshot::fromJson(const QJsonObject& json)
{
    auto list = listFromJson<Presence>(json.value(u"users"_s), u"users"_s);
    if (!list.ok())
        return list.error();
    return PresenceSnapshot{std::move(list).value()};
}

} // namespace crm
