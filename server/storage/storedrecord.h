#pragma once

#include "server/storage/identity.h"

#include <QJsonObject>
#include <QString>

namespace crm {

struct ModuleSpec;

// A record as the server keeps it: values plus the bookkeeping that conflict detection and
// visibility need. fieldVersions maps each field to the record version that last changed it.
struct StoredRecord
{
    QString module;
    QString id;
    QString brokerageId;
    QString teamId;
    QString ownerId;
    QJsonObject data;
    QJsonObject fieldVersions;
    qint64 version = 0;
    bool deleted = false;
    QString createdAt;
    QString createdBy;
    QString updatedAt;
    QString updatedBy;

    // What `viewer` may see: sensitive fields are nulled and listed under "masked" unless the
    // viewer owns the record or is a broker admin.
    QJsonObject toJson(const Identity& viewer, const ModuleSpec& module) const;
};

} // namespace crm
