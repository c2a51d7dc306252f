#pragma once

#include "protocol/parsed.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace crm {

// A record as REST pages and mutation results carry it (docs/protocol.md 5.1, 6): its fields
// with sensitive ones this recipient may not see set to null and named in `masked`.
struct RecordPayload
{
    QString module;
    QString id;
    QJsonObject fields;
    qint64 version = 0;
    QString teamId;
    QString ownerId;
    QStringList masked;
    bool deleted = false;
    QString createdAt;
    QString createdBy;
    QString updatedAt;
    QString updatedBy;

    QJsonObject toJson() const;
    // Refuses a record without module, id or a version from 1, or with fields that are not an
    // object. Masked fields are left out of `fields` (their null is not a value).
    static Parsed<RecordPayload> fromJson(const QJsonObject& json);

    friend bool operator==(const RecordPayload&, const RecordPayload&) = default;
};

} // namespace crm
