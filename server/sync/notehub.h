#pragma once

#include "crdt/awareness.h"
#include "crdt/textdocument.h"
#include "server/storage/identity.h"
#include "server/sync/noteactivity.h"

#include <memory>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace crm {

class BusMessage;
class ClusterBus;
class NoteStore;
class RecordStore;
class SocketIoServerSession;
struct NoteRef;

// The collaborative notes of records (docs/protocol.md 5.9) on one server: a note's document is
// loaded when its first socket joins and dropped when its last leaves. An update is checked
// whole against the server's copy (strict: nothing that needs history the server lacks), stored,
// acknowledged, then sent to the note's other sockets; carets are relayed and dropped with the
// socket that brought them. The log is folded into a snapshot every kCompactEvery updates, off
// the request's path, and the plain text kept for search and export.
//
// In a cluster (notehubcluster.cpp) several nodes may hold one note open: each stored update
// goes to the other nodes by its per-note seq, and a node delivers them in seq order, reading a
// gap from the database (Redis may lose a message) and polling the notes it holds for what
// nobody announced. The database, never one node's memory, is what a snapshot is folded from.
class NoteHub : public QObject
{
    Q_OBJECT
public:
    static constexpr int kCompactEvery = 200;

    // `activity` records who edited which notes (NoteActivity) through the mutation engine and
    // hands the change to `broadcast`.
    NoteHub(RecordStore& records, NoteStore& store, MutationService& mutations,
            std::function<void(const ChangeEntry&)> broadcast, QObject* parent = nullptr);
    ~NoteHub() override;

    // Records every stretch of typing not yet recorded, before the server stops.
    void finishActivity() { m_activity.finish(); }
    void setActivityTimings(NoteActivity::Timings timings) { m_activity.setTimings(timings); }

    // Becomes one node of a cluster: updates and carets go to, and come from, the other nodes.
    void joinCluster(ClusterBus* bus);

    // note:join, note:update, note:awareness, note:leave from a signed-in socket.
    void handle(SocketIoServerSession* session, const Identity& identity, const QString& event,
                const QJsonArray& args, qint64 ackId);
    void sessionClosed(SocketIoServerSession* session);
    // The plain text of a record's notes as stored or as the open document has it now; nullopt
    // when the record is out of the reader's reach or its module has no notes.
    std::optional<QString> plainText(const Identity& reader, const QString& module,
                                     const QString& id);
    int openNotes() const { return int(m_open.size()); }
    // REST (docs/protocol.md 6): a note's text and whole state, and an update from a script or
    // an AI agent that holds no socket; both answer as the socket's acks do.
    QJsonObject stateFor(const Identity& identity, const NoteRef& ref);
    QJsonObject applyFromRest(const Identity& identity, const NoteRef& ref,
                              const QByteArray& update);

private:
    struct OpenNote
    {
        QString module;
        QString id;
        QString brokerageId;
        QString teamId;
        std::unique_ptr<crdt::TextDocument> doc = std::make_unique<crdt::TextDocument>(quint64(0));
        crdt::Awareness awareness{0};
        QHash<SocketIoServerSession*, std::vector<quint64>> members; // -> their caret clients
        QHash<SocketIoServerSession*, QString> memberUsers;          // -> their user id
        qint64 lastSeq = 0; // every stored update up to here is in `doc`
        int sinceSnapshot = 0;
        bool textDirty = false;
    };

    // The note, opened if need be; null with the refusal to answer when the record is out of
    // reach, its module has no notes, or the store failed.
    OpenNote* reachable(const Identity& identity, const NoteRef& ref, QJsonObject* refused);
    OpenNote* open(const QString& module, const QString& id, const QString& brokerageId,
                   const QString& teamId);
    void join(SocketIoServerSession* session, const Identity& identity, const QJsonObject& payload,
              qint64 ackId);
    void update(SocketIoServerSession* session, const Identity& identity,
                const QJsonObject& payload, qint64 ackId);
    void relayAwareness(SocketIoServerSession* session, const QJsonObject& payload, qint64 ackId);
    // Applies, stores and sends an update to the note's sockets but `from`; the answer.
    QJsonObject applyTo(OpenNote& note, const Identity& identity, const QByteArray& update,
                        SocketIoServerSession* from);
    void leave(SocketIoServerSession* session, OpenNote& note);
    // Drops a note nobody has open (its text saved, its log folded when long).
    void closeIfIdle(OpenNote& note);
    void sendToOthers(const OpenNote& note, SocketIoServerSession* except, const QString& event,
                      const QByteArray& bytes);
    void compact(const QString& key);
    // The note's text, first read up to date from other nodes in a cluster.
    QString currentText(OpenNote& note);
    // Reads the note again from the store (a copy that holds an update that was not stored).
    void reload(OpenNote& note);
    void saveTexts();

    // The cluster half (notehubcluster.cpp).
    void onBusMessage(const BusMessage& message);
    void heardUpdate(const QJsonObject& body);
    void heardCarets(const QJsonObject& body);
    // After this node stored `update` as `seq`: tells the other nodes, and reads what they
    // stored in between when `seq` skipped any.
    void stored(OpenNote& note, qint64 seq, const QByteArray& update);
    // Reads what other nodes stored since note.lastSeq and hands it to this node's sockets.
    bool catchUp(OpenNote& note);
    void pollOpenNotes();
    void publishCarets(const OpenNote& note, const QByteArray& update);

    RecordStore& m_records;
    NoteStore& m_store;
    QHash<QString, std::shared_ptr<OpenNote>> m_open; // "module/id"
    QTimer m_textTimer;
    QPointer<ClusterBus> m_cluster;
    QTimer m_poll;
    NoteActivity m_activity;
};

} // namespace crm
