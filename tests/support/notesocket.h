#pragma once

// One socket in a record's notes (docs/protocol.md 5.9), spoken by hand: a raw Socket.IO peer
// and the real TextDocument it edits, for tests of crm-server's note events on one node or many.
#include "crdt/textdocument.h"
#include "protocol/notemessages.h"
#include "support/rawsiopeer.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QUuid>

namespace crm::test {

struct NoteSocket
{
    NoteSocket(const QUrl& server, const QString& token, quint64 client) : peer(server), doc(client)
    {
        REQUIRE(peer.connectWith(
            {{QStringLiteral("token"), token},
             {QStringLiteral("clientId"), QUuid::createUuid().toString(QUuid::Id128)}}));
    }

    QJsonObject call(const QString& event, const QJsonObject& payload)
    {
        const int id = nextAck++;
        peer.emitWithAck(id, event, payload);
        return peer.ack(id).toObject();
    }
    QJsonObject join(const QString& module, const QString& id)
    {
        const QJsonObject answer =
            call(QStringLiteral("note:join"),
                 NoteJoin{{module, id}, crdt::encodeStateVector(doc.stateVector())}.toJson());
        if (answer.value(QStringLiteral("status")) == QStringLiteral("ok")) {
            const auto joined = NoteJoined::fromJson(answer);
            REQUIRE(joined.ok());
            REQUIRE(std::holds_alternative<crdt::TextChanges>(doc.apply(joined.value().update)));
            note = {module, id};
        }
        return answer;
    }
    QJsonObject send(const QByteArray& update, const QString& event = QStringLiteral("note:update"))
    {
        return call(event, NoteUpdate{note, update}.toJson());
    }
    // Every note event of this kind heard so far.
    QList<NoteUpdate> heard(const QString& event) const
    {
        QList<NoteUpdate> out;
        const QString prefix = QStringLiteral("42[\"%1\",").arg(event);
        for (const QString& frame : peer.frames) {
            if (!frame.startsWith(prefix))
                continue;
            const auto message = NoteUpdate::fromJson(
                QJsonDocument::fromJson(frame.mid(2).toUtf8()).array().at(1).toObject());
            REQUIRE(message.ok());
            out.append(message.value());
        }
        return out;
    }
    // Applies what arrived since the last call.
    void catchUp()
    {
        const auto updates = heard(QStringLiteral("note:update"));
        for (qsizetype i = applied; i < updates.size(); ++i)
            REQUIRE(std::holds_alternative<crdt::TextChanges>(doc.apply(updates[i].update)));
        applied = updates.size();
    }

    RawSioPeer peer;
    crdt::TextDocument doc;
    NoteRef note;
    int nextAck = 1;
    qsizetype applied = 0;
};

inline QString statusOf(const QJsonObject& answer)
{
    return answer.value(QStringLiteral("status")).toString();
}

inline QString codeOf(const QJsonObject& answer)
{
    return answer.value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace crm::test
