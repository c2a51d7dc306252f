#pragma once

#include <optional>
#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace crm {

// What one crm-server node tells the others over the cluster's Redis channel
// (docs/architecture.md, "Scaling out"): {"kind": "...", "node": "...", "body": {...}}. Nodes of
// one build talk to each other, but a rolling upgrade mixes builds: a kind this build does not
// know is ignored, never an error.
struct BusMessage
{
    enum class Kind
    {
        Hello,      // a node joined (or got Redis back): everyone republishes what it holds
        Heartbeat,  // still alive; a node not heard for the expiry is taken for dead
        Change,     // a committed change (ChangeEntry::toJson)
        Sessions,   // one user's sessions on the sending node (presence, rooms, the socket cap)
        Picture,    // a person's picture changed: {brokerageId, userId, version}
        TaskCancel, // an agent's task: tell its socket to stop ({ownerId, clientId, task})
        TaskStop,   // a built-in task the receiver may run: stop it ({taskId})
        TaskEvent,  // a task changed: {event, task (the whole task), brokerageId, clientId}
        NoteUpdate, // a note's update, stored: {module, id, seq, update (base64)}
        NoteCarets, // carets in a note (y-protocols awareness): {module, id, update (base64)}
        SignIn,     // a sign-in checked by the sender: {email, address, ok} (login throttling)
    };

    Kind kind = Kind::Heartbeat;
    QString node;
    QJsonObject body;

    QByteArray encode() const;
    // Nullopt for anything but a well-formed message of a kind this build knows.
    static std::optional<BusMessage> decode(const QByteArray& bytes);
};

} // namespace crm
