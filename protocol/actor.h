#pragma once

#include <QJsonObject>
#include <QString>

namespace crm {

// Who made a change: {"id", "name", "agent"?}. `name` ends in " (AI)" and `agent` names the AI
// agent when one acted for the user (docs/protocol.md 5.7).
struct Actor
{
    QString id;
    QString name;
    QString agent;

    bool isEmpty() const { return id.isEmpty() && name.isEmpty(); }
    QJsonObject toJson() const;
    static Actor fromJson(const QJsonObject& json);

    friend bool operator==(const Actor&, const Actor&) = default;
};

} // namespace crm
