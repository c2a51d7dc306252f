#pragma once

#include "protocol/actor.h"
#include "protocol/parsed.h"

#include <optional>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace crm {

enum class ChangeKind
{
    Created,
    Updated,
    Deleted
};

QString changeKindName(ChangeKind kind);
std::optional<ChangeKind> changeKindFromName(QStringView name);

// One committed change of a record as the server sends it (docs/protocol.md 5.2), live as
// "<singular>:<kind>" or inside sync:changes. `fields` holds the changed fields' new values (all
// of them for created, none for deleted); `masked` the sensitive ones this recipient may not see.
struct ChangeEvent
{
    QString module;
    QString id;
    ChangeKind kind = ChangeKind::Updated;
    qint64 version = 0;
    qint64 seq = 0;
    QJsonObject fields;
    QStringList masked;
    QString teamId;
    QString ownerId;
    Actor by;
    QString at;
    // The mutation that caused it, when a client's: its author recognises its own change.
    QString clientId;
    qint64 mutationId = -1;
    // Inside sync:changes each entry also names its event; empty for a live event.
    QString event;

    QJsonObject toJson() const;
    // Refuses what cannot be applied safely: no module or id, an unknown kind, a version below 1,
    // a seq below 1, fields that are not an object, masked names that are not strings.
    static Parsed<ChangeEvent> fromJson(const QJsonObject& json);

    // "escrow:updated", from the module's singular name.
    static QString eventName(const QString& singular, ChangeKind kind);
    // The kind an event name ends in (":created", ...), or nullopt for any other event.
    static std::optional<ChangeKind> kindOfEventName(QStringView event);

    friend bool operator==(const ChangeEvent&, const ChangeEvent&) = default;
};

// sync:changes: a page of the replay, oldest first.
struct ChangePage
{
    qint64 fromSeq = 0;
    qint64 toSeq = 0;
    QList<ChangeEvent> changes;

    QJsonObject toJson() const;
    // One malformed entry refuses the page: applying the rest would move the seq past it.
    static Parsed<ChangePage> fromJson(const QJsonObject& json);
};

} // namespace crm
