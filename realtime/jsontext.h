#pragma once

#include "realtime/codecresult.h"

#include <QJsonValue>
#include <QString>

// Compact JSON for the wire. Writing: Qt 6.4's QJsonDocument::toJson spends ~30k instructions
// on a 250-byte event and detours through UTF-8, so the codec writes QString directly, in the
// same form as QJsonDocument::Compact (keys in QJsonObject order, integers without a fraction,
// other numbers in their shortest round-trip form, NaN and infinities as null).
// Reading: Qt's own parser, which is the fastest way to build QJsonValue containers.
namespace crm::json {

void write(const QJsonValue& value, QString& out);
QString write(const QJsonValue& value);

// Parses a JSON array or object (RFC 8259; the only top-level kinds Socket.IO payloads use).
// Anything else, trailing data included, is CodecError::BadJson with Qt's reason and offset.
CodecResult<QJsonValue> read(QStringView text);

} // namespace crm::json
