#include "protocol/actor.h"

namespace crm {

using namespace Qt::StringLiterals;

QJsonObject Actor::toJson() const
{
    QJsonObject json{{u"id"_s, id}, {u"name"_s, name}};
    if (!agent.isEmpty())
        json.insert(u"agent"_s, agent);
    return json;
}

Actor Actor::fromJson(const QJsonObject& json)
{
    return {json.value(u"id"_s).toString(), json.value(u"name"_s).toString(),
            json.value(u"agent"_s).toString()};
}

} // namespace crm
