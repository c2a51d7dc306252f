#include "crdt/awareness.h"

#include "crdt/binarycoding.h"

#include <optional>
#include <QJsonArray>
#include <QJsonDocument>

namespace crm::crdt {

namespace {

QString jsonText(const QJsonValue& value)
{
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("null");
    // A top-level value of any kind, as JSON.stringify writes it.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

std::optional<QJsonValue> parseJson(const QString& text)
{
    QJsonParseError error{};
    const QJsonDocument wrapped = QJsonDocument::fromJson('[' + text.toUtf8() + ']', &error);
    if (error.error != QJsonParseError::NoError || wrapped.array().size() != 1)
        return std::nullopt;
    return wrapped.array().first();
}

} // namespace

QByteArray Awareness::setLocalState(const QJsonValue& state, qint64 nowMs)
{
    Meta& meta = m_meta[m_client];
    ++meta.clock;
    meta.lastUpdated = nowMs;
    if (state.isNull() || state.isUndefined())
        m_states.erase(m_client);
    else
        m_states[m_client] = state;
    return encode({m_client});
}

QJsonValue Awareness::localState() const
{
    const auto found = m_states.find(m_client);
    return found == m_states.end() ? QJsonValue() : found->second;
}

QByteArray Awareness::renewIfDue(qint64 nowMs)
{
    const auto meta = m_meta.find(m_client);
    if (!m_states.count(m_client) || meta == m_meta.end() ||
        nowMs - meta->second.lastUpdated < kRenewMs)
        return {};
    return setLocalState(m_states.at(m_client), nowMs);
}

QByteArray Awareness::encode(std::vector<quint64> clients) const
{
    if (clients.empty())
        for (const auto& [client, meta] : m_meta)
            clients.push_back(client);
    BinaryWriter out;
    out.writeVarUint(clients.size());
    for (quint64 client : clients) {
        const auto meta = m_meta.find(client);
        const auto state = m_states.find(client);
        out.writeVarUint(client);
        out.writeVarUint(meta == m_meta.end() ? 0 : meta->second.clock);
        out.writeVarString(jsonText(state == m_states.end() ? QJsonValue() : state->second));
    }
    return out.take();
}

std::variant<Awareness::Change, QString> Awareness::apply(QByteArrayView update, qint64 nowMs)
{
    struct Entry
    {
        quint64 client;
        quint64 clock;
        QJsonValue state;
    };
    // Read all of it first: a malformed update changes nothing.
    BinaryReader in(update);
    std::vector<Entry> entries;
    const quint64 count = in.readVarUint();
    for (quint64 i = 0; i < count && !in.failed(); ++i) {
        const quint64 client = in.readVarUint();
        const quint64 clock = in.readVarUint();
        const QString text = in.readVarString();
        if (in.failed())
            break;
        const auto state = parseJson(text);
        if (!state)
            in.fail(QStringLiteral("the state of client %1 is not JSON").arg(client));
        else
            entries.push_back({client, clock, *state});
    }
    if (!in.failed() && !in.atEnd())
        in.fail(QStringLiteral("%1 bytes after the awareness update")
                    .arg(update.size() - in.position()));
    if (in.failed())
        return in.error();

    Change change;
    for (Entry& entry : entries) {
        const auto meta = m_meta.find(entry.client);
        const quint64 current = meta == m_meta.end() ? 0 : meta->second.clock;
        const bool known = m_states.count(entry.client) > 0;
        const bool leaves = entry.state.isNull();
        if (!(current < entry.clock || (current == entry.clock && leaves && known)))
            continue;
        if (leaves && entry.client == m_client && known) {
            // Nobody else may remove this client: it says it is still here, with a newer clock
            // (listed as updated, so the caller sends its state again).
            ++entry.clock;
            change.updated.push_back(m_client);
        } else if (leaves) {
            m_states.erase(entry.client);
        } else {
            const bool same = known && m_states[entry.client] == entry.state;
            m_states[entry.client] = entry.state;
            if (meta == m_meta.end() || !known)
                change.added.push_back(entry.client);
            else if (!same)
                change.updated.push_back(entry.client);
        }
        if (leaves && known && entry.client != m_client)
            change.removed.push_back(entry.client);
        m_meta[entry.client] = {entry.clock, nowMs};
    }
    return change;
}

QByteArray Awareness::remove(const std::vector<quint64>& clients)
{
    for (quint64 client : clients)
        m_states.erase(client);
    return encode(clients);
}

Awareness::Change Awareness::expire(qint64 nowMs)
{
    Change change;
    for (auto it = m_states.begin(); it != m_states.end();) {
        const Meta& meta = m_meta[it->first];
        if (it->first != m_client && nowMs - meta.lastUpdated >= kOutdatedMs) {
            change.removed.push_back(it->first);
            it = m_states.erase(it);
        } else {
            ++it;
        }
    }
    return change;
}

} // namespace crm::crdt
