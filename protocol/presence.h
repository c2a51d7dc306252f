#pragma once

#include "protocol/parsed.h"

#include <optional>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace crm {

// Ordered by how present it is: a user's sessions aggregate to the highest (docs/protocol.md 5.4:
// busy > online > away).
enum class PresenceStatus
{
    Offline,
    Away,
    Online,
    Busy
};

QString presenceStatusName(PresenceStatus status);
std::optional<PresenceStatus> presenceStatusFromName(QStringView name);

// A record someone views ({"module", "id"}), or the field they edit in it (+ "field").
struct RecordRef
{
    QString module;
    QString id;
    QString field; // editing entries only

    QJsonObject toJson() const;
    static RecordRef fromJson(const QJsonObject& json);
    friend bool operator==(const RecordRef&, const RecordRef&) = default;
};

// One user's presence as a recipient may see it (presence:update, and each entry of
// presence:snapshot): {"userId", "name"?, "status", "sessions", "viewing", "editing"}.
struct Presence
{
    QString userId;
    QString name;
    PresenceStatus status = PresenceStatus::Offline;
    int sessions = 0;
    QList<RecordRef> viewing;
    QList<RecordRef> editing;

    // Left: no session is connected any more.
    bool isGone() const { return status == PresenceStatus::Offline || sessions == 0; }
    QJsonObject toJson() const;
    // Refuses a presence without a userId or with a status this build does not know.
    static Parsed<Presence> fromJson(const QJsonObject& json);
    friend bool operator==(const Presence&, const Presence&) = default;
};

// presence:snapshot: everyone of the brokerage who is connected, once after CONNECT.
struct PresenceSnapshot
{
    QList<Presence> users;

    QJsonObject toJson() const;
    static Parsed<PresenceSnapshot> fromJson(const QJsonObject& json);
};

} // namespace crm
