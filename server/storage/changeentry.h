#pragma once

#include "protocol/changeevent.h"
#include "server/storage/identity.h"

#include <optional>
#include <QJsonObject>
#include <QString>

namespace crm {

struct ModuleSpec;

// One committed change: the unit of the sequenced stream, the activity feed and the audit trail.
// fields maps each changed field to {"old": ..., "new": ...}.
struct ChangeEntry
{
    QString brokerageId;
    qint64 seq = 0;
    QString module;
    QString recordId;
    QString teamId;
    QString ownerId;
    QString kind; // created, updated, deleted
    QJsonObject fields;
    qint64 version = 0;
    QString userId;
    QString userName; // "Alex Rivera", or "Alex Rivera (AI)" when an agent acted for them
    QString agent;    // the agent's name when one acted, else empty
    QString clientId;
    qint64 mutationId = -1;
    QString at;

    bool isVisibleTo(const Identity& viewer) const { return viewer.canSee(brokerageId, teamId); }
    // The change event for `viewer`: only the new values, sensitive ones masked.
    ChangeEvent toEvent(const Identity& viewer, const ModuleSpec& spec) const;
    // "escrow:updated"
    QString eventName(const ModuleSpec& spec) const;
    // Every member, for the nodes of a cluster (BusMessage::Kind::Change); nullopt when a member
    // is missing or of the wrong type.
    QJsonObject toJson() const;
    static std::optional<ChangeEntry> fromJson(const QJsonObject& json);
};

} // namespace crm
