#pragma once

#include "protocol/parsed.h"
#include "protocol/wireerror.h"

#include <optional>
#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace crm {

// The payloads of the note events (docs/protocol.md 5.9). Yjs updates, state vectors and
// awareness updates travel as base64 of their binary encoding.

// Which record's notes: {"module", "id"}.
struct NoteRef
{
    QString module;
    QString id;

    bool operator==(const NoteRef&) const = default;
    QJsonObject toJson() const;
    static Parsed<NoteRef> fromJson(const QJsonObject& json);
};

// note:join {"module", "id", "stateVector"}: what the client holds ("" or absent: nothing).
struct NoteJoin
{
    NoteRef note;
    QByteArray stateVector;

    QJsonObject toJson() const;
    static Parsed<NoteJoin> fromJson(const QJsonObject& json);
};

// note:join's answer {"status": "ok", "update", "stateVector", "awareness"}: what the client
// lacks, what the server holds (the client sends what the server lacks), everyone's carets.
struct NoteJoined
{
    QByteArray update;
    QByteArray stateVector;
    QByteArray awareness;

    QJsonObject toJson() const;
    static Parsed<NoteJoined> fromJson(const QJsonObject& json);
};

// note:update and note:awareness, both ways: {"module", "id", "update"}.
struct NoteUpdate
{
    NoteRef note;
    QByteArray update;

    // The largest update one event may carry (a paste of a long text fits many times).
    static constexpr qsizetype kMaxBytes = 512 * 1024;

    QJsonObject toJson() const;
    static Parsed<NoteUpdate> fromJson(const QJsonObject& json);
};

// The ack of note:update, note:awareness and note:leave, and of a refused note:join:
// {"status": "ok"} or {"status": "rejected", "error", "stateVector"?}. A missing_history
// refusal carries the server's state vector: the client sends what the server lacks.
struct NoteAck
{
    std::optional<WireError> error; // none: done (an update: stored)
    QByteArray stateVector;

    bool ok() const { return !error; }
    QJsonObject toJson() const;
    static Parsed<NoteAck> fromJson(const QJsonObject& json);
};

} // namespace crm
