#include "crdt/yid.h"

#include "crdt/binarycoding.h"

namespace crm::crdt {

QByteArray encodeStateVector(const StateVector& vector)
{
    BinaryWriter out;
    out.writeVarUint(vector.size());
    for (auto it = vector.rbegin(); it != vector.rend(); ++it) {
        out.writeVarUint(it->first);
        out.writeVarUint(it->second);
    }
    return out.take();
}

std::optional<StateVector> decodeStateVector(QByteArrayView bytes, QString* error)
{
    BinaryReader in(bytes);
    StateVector vector;
    const quint64 count = in.readVarUint();
    for (quint64 i = 0; i < count && !in.failed(); ++i) {
        const quint64 client = in.readVarUint();
        const quint64 clock = in.readVarUint();
        if (!in.failed() && !vector.emplace(client, clock).second)
            in.fail(QStringLiteral("client %1 appears twice in the state vector").arg(client));
    }
    if (!in.failed() && !in.atEnd())
        in.fail(
            QStringLiteral("%1 bytes after the state vector").arg(bytes.size() - in.position()));
    if (in.failed()) {
        if (error)
            *error = in.error();
        return std::nullopt;
    }
    return vector;
}

} // namespace crm::crdt
