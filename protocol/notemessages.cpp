#include "protocol/notemessages.h"

#include "protocol/memberreader.h"

#include <limits>

namespace crm {

namespace {

QString base64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

// Reads a base64 member into `out`; absent or "" is empty.
void readBytes(MemberReader& read, const char* member, QByteArray& out, qsizetype maxBytes)
{
    QString text;
    read.text(member, text);
    if (text.isEmpty() || read.error())
        return;
    if (text.size() > (maxBytes + 2) / 3 * 4 + 4)
        return read.refuse(member, QStringLiteral("is larger than %1 bytes").arg(maxBytes));
    auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return read.refuse(member, QStringLiteral("must be base64"));
    out = std::move(*decoded);
}

} // namespace

QJsonObject NoteRef::toJson() const
{
    return {{QStringLiteral("module"), module}, {QStringLiteral("id"), id}};
}

Parsed<NoteRef> NoteRef::fromJson(const QJsonObject& json)
{
    NoteRef ref;
    MemberReader read(json);
    read.text("module", ref.module);
    read.text("id", ref.id);
    if (!read.error() && ref.module.isEmpty())
        read.refuse("module", QStringLiteral("is required"));
    if (!read.error() && ref.id.isEmpty())
        read.refuse("id", QStringLiteral("is required"));
    if (read.error())
        return *read.error();
    return ref;
}

QJsonObject NoteJoin::toJson() const
{
    QJsonObject json = note.toJson();
    json.insert(QStringLiteral("stateVector"), base64(stateVector));
    return json;
}

Parsed<NoteJoin> NoteJoin::fromJson(const QJsonObject& json)
{
    auto ref = NoteRef::fromJson(json);
    if (!ref.ok())
        return ref.error();
    NoteJoin join{ref.value(), {}};
    MemberReader read(json);
    readBytes(read, "stateVector", join.stateVector, NoteUpdate::kMaxBytes);
    if (read.error())
        return *read.error();
    return join;
}

QJsonObject NoteJoined::toJson() const
{
    return {{QStringLiteral("status"), QStringLiteral("ok")},
            {QStringLiteral("update"), base64(update)},
            {QStringLiteral("stateVector"), base64(stateVector)},
            {QStringLiteral("awareness"), base64(awareness)}};
}

Parsed<NoteJoined> NoteJoined::fromJson(const QJsonObject& json)
{
    NoteJoined joined;
    MemberReader read(json);
    // The whole note may come with the answer: no cap beyond the frame's own.
    constexpr qsizetype kAny = std::numeric_limits<int>::max() / 2;
    readBytes(read, "update", joined.update, kAny);
    readBytes(read, "stateVector", joined.stateVector, kAny);
    readBytes(read, "awareness", joined.awareness, kAny);
    if (read.error())
        return *read.error();
    return joined;
}

QJsonObject NoteUpdate::toJson() const
{
    QJsonObject json = note.toJson();
    json.insert(QStringLiteral("update"), base64(update));
    return json;
}

Parsed<NoteUpdate> NoteUpdate::fromJson(const QJsonObject& json)
{
    auto ref = NoteRef::fromJson(json);
    if (!ref.ok())
        return ref.error();
    NoteUpdate message{ref.value(), {}};
    MemberReader read(json);
    readBytes(read, "update", message.update, kMaxBytes);
    if (!read.error() && message.update.isEmpty())
        read.refuse("update", QStringLiteral("is required"));
    if (read.error())
        return *read.error();
    return message;
}

QJsonObject NoteAck::toJson() const
{
    if (!error)
        return {{QStringLiteral("status"), QStringLiteral("ok")}};
    QJsonObject json{{QStringLiteral("status"), QStringLiteral("rejected")},
                     {QStringLiteral("error"), error->toJson()}};
    if (!stateVector.isEmpty())
        json.insert(QStringLiteral("stateVector"), base64(stateVector));
    return json;
}

Parsed<NoteAck> NoteAck::fromJson(const QJsonObject& json)
{
    NoteAck ack;
    MemberReader read(json);
    QString status;
    read.text("status", status);
    if (!read.error() && status == QLatin1String("rejected")) {
        ack.error = WireError::fromJson(json.value(QStringLiteral("error")).toObject());
        readBytes(read, "stateVector", ack.stateVector, NoteUpdate::kMaxBytes);
    } else if (!read.error() && status != QLatin1String("ok")) {
        read.refuse("status", QStringLiteral("must be \"ok\" or \"rejected\""));
    }
    if (read.error())
        return *read.error();
    return ack;
}

} // namespace crm
