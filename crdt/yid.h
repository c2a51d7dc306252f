#pragma once

#include <map>
#include <optional>
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace crm::crdt {

// One character's (or struct's) identity in a Yjs document: the peer that made it and that
// peer's running count of what it made.
struct YId
{
    quint64 client = 0;
    quint64 clock = 0;

    bool operator==(const YId&) const = default;
};

// Consecutive ids of one peer: `length` characters from `start`.
struct IdRange
{
    YId start;
    quint64 length = 0;

    bool contains(YId id) const
    {
        return id.client == start.client && id.clock >= start.clock &&
               id.clock < start.clock + length;
    }
    bool operator==(const IdRange&) const = default;
};

// Per peer, how much of its history a document holds (the next clock it expects), ordered by
// client id.
using StateVector = std::map<quint64, quint64>;

// Yjs's encodeStateVector: the count, then (client, clock) pairs, highest client first.
QByteArray encodeStateVector(const StateVector& vector);
// nullopt (and the reason in *error) for bytes that are not a whole, valid state vector.
std::optional<StateVector> decodeStateVector(QByteArrayView bytes, QString* error = nullptr);

} // namespace crm::crdt
