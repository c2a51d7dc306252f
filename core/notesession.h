#pragma once

#include "crdt/awareness.h"
#include "crdt/relativeposition.h"
#include "crdt/textchange.h"
#include "crdt/textdocument.h"
#include "crdt/textundomanager.h"
#include "protocol/notemessages.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

namespace crm {

class ConnectionManager;
class NoteStore;
struct AckOutcome;

// One record's notes, open in this window (docs/protocol.md 5.9): the Yjs document, kept in the
// profile's NoteStore and in sync with the server while the link is up. Every edit is applied
// here at once, logged (unsent) before anything else happens, and sent; edits made offline go
// when the note is joined again, as whatever the server lacks. The server's and colleagues'
// updates arrive as textChanged; their carets as carets(). Undo and redo take back only this
// window's own edits.
class NoteSession : public QObject
{
    Q_OBJECT
public:
    enum class Sync
    {
        Offline, // the local copy: edits wait in the store
        Joining, // asked the server for what this copy lacks
        Live,    // joined: edits go out as they are made
        Refused, // the server will not give this note (gone from reach): read-only
    };
    Q_ENUM(Sync)

    // Who this window is to colleagues: their carets show the name in this colour.
    struct Author
    {
        QString name;
        QString color;  // "#rrggbb"
        QString userId; // lets a colleague's window draw the caret in this person's avatar colour
    };

    // A colleague's caret as it stands in the text now.
    struct Caret
    {
        quint64 client = 0;
        QString name;
        QString color;
        QString userId; // empty when the peer did not say (a web editor may not)
        qsizetype anchor = 0;
        qsizetype head = 0;
        bool typing = false; // their text arrived within the last few seconds

        bool operator==(const Caret&) const = default;
    };

    NoteSession(NoteRef note, Author author, ConnectionManager& link, NoteStore& store,
                QObject* parent = nullptr);
    ~NoteSession() override;

    const NoteRef& note() const { return m_note; }
    const QString& text() const { return m_doc.text(); }
    Sync sync() const { return m_sync; }
    // Why the server refused the note (Refused), or why the last update was not stored.
    const QString& problem() const { return m_problem; }
    // This note's edits the server has not stored yet.
    int unsentCount() const { return m_unsent; }

    // The agent's edit: `removed` characters at `position` replaced by `inserted`. False (and
    // nothing changed) when the note is read-only.
    bool edit(qsizetype position, qsizetype removed, const QString& inserted);
    bool canUndo() const { return m_undo.canUndo(); }
    bool canRedo() const { return m_undo.canRedo(); }
    void undo();
    void redo();
    // The next edit is an undo step of its own (the caret moved away).
    void stopCapturing() { m_undo.stopCapturing(); }
    // The agent's caret or selection, shown to colleagues (sent at most every 100 ms).
    void setCaret(qsizetype anchor, qsizetype head);
    QList<Caret> carets() const;
    // Colleagues whose text arrived within the last few seconds: "Priya is typing".
    QStringList typing() const;

signals:
    // The text changed: by a colleague or the server (local false), or by this window's undo or
    // redo (local true). An editor applies `changes` in order.
    void textChanged(const crm::crdt::TextChanges& changes, bool local);
    void caretsChanged();
    void syncChanged(crm::NoteSession::Sync sync);
    void unsentChanged(int unsent);
    void undoStateChanged();

private:
    void onLinkState();
    void onEvent(const QString& event, const QJsonArray& args);
    void join();
    void onJoined(const AckOutcome& outcome);
    // Logs and sends what an undo or a redo did, and shows it.
    void commitUndo(const crdt::TextUndoManager::Outcome& outcome);
    // Logs (unsent) and sends one own update.
    void commitLocal(const QByteArray& update);
    void send(const QByteArray& update, qint64 fromSeq, qint64 toSeq);
    void onUpdateAck(const AckOutcome& outcome, qint64 fromSeq, qint64 toSeq);
    // What this copy holds that the server (at `serverVector`) lacks, unsent edits included.
    void sendWhatServerLacks(const QByteArray& serverVector);
    void applyRemote(const QByteArray& update, bool fromJoin);
    void applyAwareness(const QByteArray& update);
    void sendAwareness();
    void tick();
    void foldIfDue(bool now = false);
    void setSync(Sync sync, const QString& problem = {});
    void setUnsent(int unsent);

    NoteRef m_note;
    Author m_author;
    ConnectionManager& m_link;
    NoteStore& m_store;
    crdt::TextDocument m_doc;
    crdt::TextUndoManager m_undo;
    crdt::Awareness m_awareness;
    Sync m_sync = Sync::Offline;
    QString m_problem;
    int m_unsent = 0;
    qint64 m_lastSeq = 0;    // the newest logged update's row
    int m_sinceFold = 0;     // updates logged since the state was last folded
    quint64 m_linkEpoch = 0; // answers from an older link are stale
    // The agent's caret, kept to its characters: the text may change before it is sent.
    std::optional<crdt::RelativePosition> m_anchor;
    std::optional<crdt::RelativePosition> m_head;
    QTimer m_awarenessDelay;
    QTimer m_ticker;
    QTimer m_retry; // a join again while the link is up, after a passing failure
    // Colleagues' typing: when their characters last arrived and the last of them. While they
    // type, their caret is after that character (their editor need not send it each time).
    struct Typed
    {
        qint64 atMs = 0;
        crdt::YId lastCharacter;
    };
    QHash<quint64, Typed> m_typed;
    QHash<quint64, qint64> m_caretHeardMs; // colleague's client id -> when their caret came
    qsizetype m_afterOwnInsert = -1;       // where the caret is after the agent's last insert
    qint64 m_ownEditMs = 0;
};

} // namespace crm
