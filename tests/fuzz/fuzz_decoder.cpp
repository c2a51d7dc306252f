// libFuzzer target: any bytes a peer could send as a text frame go through the Engine.IO and
// Socket.IO decoders. They must never crash, and whatever they accept must re-encode to
// something they accept again as the same packet.
#include "realtime/engineiocodec.h"
#include "realtime/socketiocodec.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString frame =
        QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
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
        again.value().data != sio.value().data)
        std::abort();
    return 0;
}
