#pragma once

#include <map>
#include <QByteArray>
#include <QJsonValue>
#include <variant>
#include <vector>

namespace crm::crdt {

// Who is in a note and where their caret is: the awareness messages of y-protocols, so a web
// editor's carets and ours are the same. Each client owns one JSON state with a clock; the
// higher clock wins, a null state says the client left, and a state not renewed within
// kOutdatedMs is dropped (a peer that vanished without saying so).
class Awareness
{
public:
    static constexpr qint64 kOutdatedMs = 30000;
    // Own state is sent again this often, so peers do not drop it while nothing changes.
    static constexpr qint64 kRenewMs = kOutdatedMs / 2;

    struct Change
    {
        std::vector<quint64> added;
        std::vector<quint64> updated; // the state differs from before
        std::vector<quint64> removed;
        bool isEmpty() const { return added.empty() && updated.empty() && removed.empty(); }
    };

    explicit Awareness(quint64 clientId) : m_client(clientId) {}

    quint64 clientId() const { return m_client; }
    // Sets (or with null, clears) this client's state; returns the update to send.
    QByteArray setLocalState(const QJsonValue& state, qint64 nowMs);
    QJsonValue localState() const;
    // The update a peer sends every kRenewMs while its state stands (empty when not due).
    QByteArray renewIfDue(qint64 nowMs);
    // y-protocols' encodeAwarenessUpdate for these clients (all known ones when empty).
    QByteArray encode(std::vector<quint64> clients = {}) const;
    // Applies a peer's update; refuses malformed bytes (nothing changes then).
    std::variant<Change, QString> apply(QByteArrayView update, qint64 nowMs);
    // Removes these clients' states (a peer's socket closed without them saying goodbye) and
    // returns the update that tells the others: null states at the current clocks.
    QByteArray remove(const std::vector<quint64>& clients);
    // Drops remote states not renewed within kOutdatedMs.
    Change expire(qint64 nowMs);

    // Every state known, own included, by client id.
    const std::map<quint64, QJsonValue>& states() const { return m_states; }

private:
    struct Meta
    {
        quint64 clock = 0;
        qint64 lastUpdated = 0;
    };

    quint64 m_client;
    std::map<quint64, QJsonValue> m_states;
    std::map<quint64, Meta> m_meta;
};

} // namespace crm::crdt
