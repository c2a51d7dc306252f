#pragma once

#include "protocol/codecresult.h"

#include <QJsonValue>
#include <QString>

// Compact JSON for the wire. Writing: Qt 6.4's QJsonDocument::toJson spends ~30k instructions
// on a 250-byte event and detours through UTF-8, so the codec writes QString directly, in the
// same form as QJsonDocument::Compact (keys in QJsonObject order, integers without a fraction,
// other numbers in their shortest round-trip form, NaN and infinities as null).
// Reading: a strict RFC 8259 check, then Qt's own parser, which is the fastest way to build
// QJsonValue containers but is lenient on its own.
namespace crm::json {

void write(const QJsonValue& value, QString& out);
QString write(const QJsonValue& value);

// Parses a JSON array or object (the only top-level kinds Socket.IO payloads use). Accepts exactly
// RFC 8259 text with four limits of ours, so that whatever it accepts re-encodes (write) to text
// that reads back as the same value: no duplicate keys in an object, no unpaired surrogates
// (escaped or raw), at most 64 nested arrays and objects, numbers a finite double can hold.
// Anything else, trailing data included, is CodecError::BadJson with a reason and the offset
// (in UTF-16 units of `text`) where the text went wrong.
CodecResult<QJsonValue> read(QStringView text);

// The check read() runs before building anything: empty when `text` passes, else the reason and
// offset. The number range is not part of it (Qt's parser checks that while building).
QString syntaxError(QStringView text);

} // namespace crm::json
