// libFuzzer target: any bytes a peer could send as a text frame go through the Engine.IO and
// Socket.IO decoders. They must never crash, and whatever they accept must re-encode to
// something they accept again as the same packet. The strict JSON reader gets the same check on
// its own, from the frame's first '[' or '{' on, so that every input exercises it.
#include "protocol/changeevent.h"
#include "protocol/engineiocodec.h"
#include "protocol/jsontext.h"
#include "protocol/mutation.h"
#include "protocol/mutationresult.h"
#include "protocol/presence.h"
#include "protocol/recordpayload.h"
#include "protocol/socketiocodec.h"
#include "protocol/taskrequest.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <QJsonArray>
#include <QJsonObject>
#include <utility>
#include <vector>

namespace {

// Structural equality that ignores object member order. Qt 6.4 orders object keys differently
// depending on whether it stored them as UTF-8 or UTF-16, so two equal objects can compare
// unequal with operator== (seen with a U+FFFD key next to a supplementary-plane key).
bool sameJson(const QJsonValue& a, const QJsonValue& b)
{
    if (a.type() != b.type())
        return false;
    if (a.isArray()) {
        const auto x = a.toArray();
        const auto y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameJson(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (a.isObject()) {
        auto members = [](const QJsonObject& object) {
            std::vector<std::pair<QString, QJsonValue>> out;
            for (auto it = object.begin(); it != object.end(); ++it)
                out.emplace_back(it.key(), it.value());
            std::sort(out.begin(), out.end(),
                      [](const auto& l, const auto& r) { return l.first < r.first; });
            return out;
        };
        const auto x = members(a.toObject());
        const auto y = members(b.toObject());
        if (x.size() != y.size())
            return false;
        for (size_t i = 0; i < x.size(); ++i) {
            if (x[i].first != y[i].first || !sameJson(x[i].second, y[i].second))
                return false;
        }
        return true;
    }
    return a == b;
}

void checkJson(QStringView frame)
{
    qsizetype start = 0;
    while (start < frame.size() && frame[start] != u'[' && frame[start] != u'{')
        ++start;
    const QStringView text = frame.mid(start);
    const bool passes = crm::json::syntaxError(text).isEmpty();
    const auto value = crm::json::read(text);
    if (!value.ok()) {
        // Past the RFC 8259 check, Qt's parser may refuse only a number beyond a double; any
        // other refusal means the check let through something that is not JSON.
        if (passes && !value.detail().startsWith(QLatin1StringView("illegal number")))
            std::abort();
        return;
    }
    if (!passes)
        std::abort();
    const auto again = crm::json::read(crm::json::write(value.value()));
    if (!again.ok() || !sameJson(again.value(), value.value()))
        std::abort();
}

// Whatever a message parser accepts must write back to JSON that it accepts again as the same.
template <typename Message, typename... Extra>
void checkMessage(const QJsonObject& json, const Extra&... extra)
{
    const auto parsed = Message::fromJson(json, extra...);
    if (!parsed.ok()) {
        if (parsed.error().message.isEmpty())
            std::abort(); // every refusal says why
        return;
    }
    const QJsonObject written = parsed.value().toJson();
    const auto again = Message::fromJson(written, extra...);
    if (!again.ok() || !sameJson(again.value().toJson(), written))
        std::abort();
}

// Every object in a decoded event's arguments goes through every message parser: a hostile
// peer reaches them with any payload.
void checkMessages(const QJsonValue& value)
{
    if (value.isArray()) {
        for (const auto& item : value.toArray())
            checkMessages(item);
        return;
    }
    if (!value.isObject())
        return;
    const QJsonObject json = value.toObject();
    checkMessage<crm::ChangeEvent>(json);
    checkMessage<crm::ChangePage>(json);
    checkMessage<crm::Mutation>(json, QStringLiteral("fuzz"));
    checkMessage<crm::MutationResult>(json);
    checkMessage<crm::RecordPayload>(json);
    checkMessage<crm::Presence>(json);
    checkMessage<crm::PresenceSnapshot>(json);
    checkMessage<crm::Task>(json);
    checkMessage<crm::TaskList>(json);
    checkMessage<crm::TaskStart>(json);
    checkMessage<crm::TaskRef>(json);
    checkMessage<crm::TaskReport>(json);
    checkMessage<crm::TaskAnswer>(json);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString frame =
        QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    checkJson(frame);
    const auto eio = crm::engineio::decode(frame, 1 << 16);
    if (!eio.ok())
        return 0;
    const auto& packet = eio.value();
    if (packet.type == crm::engineio::PacketType::Open) {
        (void)crm::engineio::decodeHandshake(packet.data);
        return 0;
    }
    if (packet.type != crm::engineio::PacketType::Message)
        return 0;
    const auto sio = crm::socketio::decode(packet.data);
    if (!sio.ok()) {
        (void)sio.describe();
        return 0;
    }
    const auto again = crm::socketio::decode(crm::socketio::encode(sio.value()));
    if (!again.ok() || again.value().type != sio.value().type ||
        again.value().nsp != sio.value().nsp || again.value().id != sio.value().id ||
        !sameJson(again.value().data, sio.value().data))
        std::abort();
    checkMessages(sio.value().data);
    return 0;
}
