#pragma once

#include "core/outboxentry.h"

#include <optional>
#include <QJsonObject>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

// How the LocalStore's parts write values into their rows and read them back. The outbox, failed
// and conflicts tables start with the same eight columns (an OutboxEntry), because a failure or
// a conflict is an outbox entry moved out with the server's answer added: Outbox and ProblemLog
// both read and write that layout, so it is described once, here. Internal to the store.
namespace crm::storerows {

// An object as stored: the same text as QJsonDocument::Compact, several times faster.
QString toText(const QJsonObject& object);
QJsonObject objectFrom(const QString& text);
// The same from the UTF-8 bytes a column holds (read with CAST(... AS BLOB)): no detour
// through UTF-16 for the parser.
QJsonObject objectFrom(const QByteArray& utf8);
// The time a row is written (UTC, ISO 8601 with milliseconds).
QString now();

// Columns 0-7 of outbox, failed and conflicts share this layout.
extern const QString kEntryColumns;
// The entry in columns first .. first + 7 of the row; nullopt (logged) when its op is not one
// this build knows. Callers skip such a row and leave it on disk, untouched: it is most likely an
// edit a newer version of the app queued in this profile (which may read it again after an
// upgrade), and there is no safe guess: sending it as some other operation could delete or
// overwrite a record, and failing the whole read would stop every other queued edit from being
// sent and hide every other problem from the agent.
std::optional<OutboxEntry> entryFrom(const QSqlQuery& query, int first = 0);
// The binds for kEntryColumns, in that order.
QVariantList entryBinds(const OutboxEntry& entry);

} // namespace crm::storerows
