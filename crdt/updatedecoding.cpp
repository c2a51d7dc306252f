#include "crdt/updatedecoding.h"

#include "crdt/binarycoding.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace crm::crdt {

namespace {

constexpr quint8 kBits5 = 0x1f;
constexpr quint8 kHasOrigin = 0x80;
constexpr quint8 kHasRightOrigin = 0x40;
constexpr quint8 kHasParentSub = 0x20;
constexpr quint8 kSkip = 10;

bool isJson(const QString& text)
{
    // lib0 writes JSON.stringify's output; a value JSON.parse refuses would throw in every
    // yjs peer that loads the note. One value, so "1,2" and "" are not JSON here either.
    const QByteArray wrapped = '[' + text.toUtf8() + ']';
    QJsonParseError error{};
    const QJsonDocument parsed = QJsonDocument::fromJson(wrapped, &error);
    return error.error == QJsonParseError::NoError && parsed.array().size() == 1;
}

YId readId(BinaryReader& in)
{
    const quint64 client = in.readVarUint();
    return {client, in.readVarUint()};
}

// One struct after its info byte; `clock` is where it starts. Fails on `in` when malformed.
std::optional<TextItem> readStruct(BinaryReader& in, quint8 info, YId id, const QString& rootName,
                                   UpdateError::Kind* kind)
{
    TextItem item;
    item.id = id;
    const quint8 ref = info & kBits5;
    if (ref == quint8(ContentKind::Gc) || ref == kSkip) {
        item.kind = ContentKind::Gc;
        item.deleted = true;
        item.length = in.readVarUint();
        return item;
    }
    if (ref != quint8(ContentKind::Deleted) && ref != quint8(ContentKind::String) &&
        ref != quint8(ContentKind::Embed) && ref != quint8(ContentKind::Format)) {
        *kind = UpdateError::Kind::Unsupported;
        in.fail(QStringLiteral("content of kind %1 at clock %2 of client %3 is not text")
                    .arg(ref)
                    .arg(id.clock)
                    .arg(id.client));
        return std::nullopt;
    }
    item.kind = ContentKind(ref);
    if (info & kHasOrigin) {
        item.origin = readId(in);
        item.hasOrigin = true;
    }
    if (info & kHasRightOrigin) {
        item.rightOrigin = readId(in);
        item.hasRightOrigin = true;
    }
    if (info & kHasParentSub) {
        *kind = UpdateError::Kind::Unsupported;
        in.fail(QStringLiteral("a map entry (client %1, clock %2) is not text")
                    .arg(id.client)
                    .arg(id.clock));
        return std::nullopt;
    }
    if (!item.hasOrigin && !item.hasRightOrigin) {
        const bool namedRoot = in.readVarUint() == 1;
        if (!namedRoot) {
            readId(in);
            *kind = UpdateError::Kind::Unsupported;
            in.fail(QStringLiteral("a nested type (client %1, clock %2) is not part of a note")
                        .arg(id.client)
                        .arg(id.clock));
            return std::nullopt;
        }
        const QString root = in.readVarString();
        if (!in.failed() && root != rootName) {
            *kind = UpdateError::Kind::Unsupported;
            in.fail(QStringLiteral("a struct of the type \"%1\", not of the note's \"%2\"")
                        .arg(root, rootName));
            return std::nullopt;
        }
    }
    switch (item.kind) {
    case ContentKind::Deleted:
        item.length = in.readVarUint();
        item.deleted = true;
        break;
    case ContentKind::String:
        item.text = in.readVarString();
        item.length = quint64(item.text.size());
        break;
    case ContentKind::Embed:
        item.text = in.readVarString();
        item.length = 1;
        if (!in.failed() && !isJson(item.text))
            in.fail(QStringLiteral("an embed that is not JSON at clock %1").arg(id.clock));
        break;
    case ContentKind::Format:
        item.text = in.readVarString();
        item.value = in.readVarString();
        item.length = 1;
        if (!in.failed() && !isJson(item.value))
            in.fail(QStringLiteral("a format value that is not JSON at clock %1").arg(id.clock));
        break;
    case ContentKind::Gc:
        break;
    }
    return item;
}

// What a struct may not say whoever sent it: nothing empty, nothing past 2^53, and no origin at
// or after itself in its own client's history (it could never be integrated).
QString checkStruct(const TextItem& item)
{
    if (item.length == 0)
        return QStringLiteral("an empty struct at clock %1 of client %2")
            .arg(item.id.clock)
            .arg(item.id.client);
    if (item.id.clock > kMaxSafeInteger - item.length)
        return QStringLiteral("a struct of client %1 ends beyond 2^53 - 1").arg(item.id.client);
    if (item.hasOrigin && item.origin.client == item.id.client &&
        item.origin.clock >= item.id.clock)
        return QStringLiteral("a struct of client %1 at clock %2 has its origin after itself")
            .arg(item.id.client)
            .arg(item.id.clock);
    if (item.hasRightOrigin && item.rightOrigin.client == item.id.client &&
        item.rightOrigin.clock >= item.id.clock)
        return QStringLiteral("a struct of client %1 at clock %2 has its right origin after itself")
            .arg(item.id.client)
            .arg(item.id.clock);
    return {};
}

} // namespace

std::variant<DecodedUpdate, UpdateError> decodeUpdate(QByteArrayView bytes, const QString& rootName)
{
    BinaryReader in(bytes);
    DecodedUpdate update;
    UpdateError::Kind kind = UpdateError::Kind::Malformed;
    const quint64 clients = in.readVarUint();
    for (quint64 c = 0; c < clients && !in.failed(); ++c) {
        const quint64 count = in.readVarUint();
        const quint64 client = in.readVarUint();
        quint64 clock = in.readVarUint();
        if (in.failed())
            break;
        if (update.structs.count(client)) {
            in.fail(QStringLiteral("client %1 appears twice in the update").arg(client));
            break;
        }
        std::vector<TextItem>& structs = update.structs[client];
        for (quint64 i = 0; i < count && !in.failed(); ++i) {
            const quint8 info = in.readUint8();
            auto item = readStruct(in, info, {client, clock}, rootName, &kind);
            if (in.failed() || !item)
                break;
            if (const QString wrong = checkStruct(*item); !wrong.isEmpty()) {
                in.fail(wrong);
                break;
            }
            clock = item->end();
            // A Skip only moves the clock on: what it stands for is not in this update.
            if ((info & kBits5) != kSkip)
                structs.push_back(std::move(*item));
        }
        if (structs.empty())
            update.structs.erase(client);
    }
    if (!in.failed())
        update.deletes = DeleteSet::read(in);
    if (!in.failed() && !in.atEnd())
        in.fail(QStringLiteral("%1 bytes after the update").arg(bytes.size() - in.position()));
    if (in.failed())
        return UpdateError{kind, in.error()};
    update.deletes.normalize();
    return update;
}

} // namespace crm::crdt
