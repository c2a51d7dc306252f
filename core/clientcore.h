#pragma once

#include "core/commandresult.h"
#include "core/directoryclient.h"
#include "core/localstore.h"
#include "core/modulefeed.h"
#include "core/notesession.h"
#include "core/recordlocalstate.h"
#include "core/syncengine.h"
#include "core/taskclient.h"
#include "protocol/presence.h"
#include "realtime/connectionconfig.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"

#include <functional>
#include <memory>
#include <QHash>
#include <QObject>

namespace crm {

class ConflictResolver;

// The front door of one account on one server: owns the profile's local store, the connection,
// the REST client and the sync engine, turns what they report into typed signals (one feed per
// module for the record models), and carries out every change the agent asks for. crm-desktop
// and crm-cli build one of these and nothing else of the sync machinery.
class ClientCore : public QObject
{
    Q_OBJECT
public:
    // What the agent chose for a conflict (the dialog only collects it).
    enum class Resolution
    {
        KeepMine,     // all my values of that edit win
        TakeTheirs,   // their values stay; my edit is dropped
        Merge,        // field by field, the values given
        Restore,      // the record was deleted: bring it back with my changes
        DeleteAnyway, // my delete met a later change: delete the record as it is now
    };
    Q_ENUM(Resolution)

    // Opens the profile's store (no network). Null, with the reason, when it cannot be opened.
    static std::unique_ptr<ClientCore> open(const ConnectionConfig& config,
                                            const QString& profileDir, QString* error);
    ClientCore(const ConnectionConfig& config, std::unique_ptr<LocalStore> store,
               QObject* parent = nullptr);
    ~ClientCore() override;

    // Whether edit() and create() check values against this build's schema first (the window:
    // a wrong value is said at once and never queued). crm-cli turns it off: a script's values
    // go to the server, whose refusal is kept with its reason (exit status 6), as documented.
    void setChecksValues(bool check) { m_checksValues = check; }

    // The access token to connect and call REST with, asked at every (re)connect.
    void setTokenSource(std::function<QString()> source);
    void start();
    void stop();

    LocalStore& store() { return *m_store; }
    ConnectionManager& connection() { return m_connection; }
    RestClient& rest() { return m_rest; }
    SyncEngine& engine() { return *m_engine; }
    // The agent's AI and bulk tasks: their events and commands.
    TaskClient& tasks() { return *m_tasks; }
    // The brokerage's people: the directory and their pictures.
    DirectoryClient& directory() { return *m_directory; }
    // The news of one module of the schema (asserts on an unknown one).
    ModuleFeed& feed(const QString& module);

    RecordLocalState localState(const QString& module, const QString& id);
    // Every record of a module with queued edits, a refusal or a conflict, by id.
    QHash<QString, RecordLocalState> localStates(const QString& module);

    // The agent's changes: each is durable in the outbox when the command returns, the module's
    // feed has announced it, and it is sent when online. Values are checked against the schema
    // first (see setChecksValues).
    CommandResult edit(const QString& module, const QString& id, const QJsonObject& fields);
    CommandResult create(const QString& module, const QJsonObject& fields);
    CommandResult remove(const QString& module, const QString& id);
    // A refused edit sent again with corrections laid over it, as a new edit on the current
    // version; the refused one leaves.
    CommandResult retry(qint64 mutationId, const QJsonObject& corrections = {});
    // A refused edit dropped; the record shows the confirmed values again.
    CommandResult discard(qint64 mutationId);
    // `values`: for Merge, what the agent chose or typed for each field (none left: TakeTheirs).
    CommandResult resolve(qint64 conflictId, Resolution resolution, const QJsonObject& values = {});

    // The link to the server, for the connection badge (docs/protocol.md 4): its state and why,
    // the retry it waits for, and a way to cut that wait short.
    ConnectionState linkState() const { return m_connection.state(); }
    QString linkReason() const { return m_connection.reason(); }
    int reconnectAttempt() const { return m_connection.attempt(); }
    qint64 msUntilReconnect() const { return m_connection.msUntilReconnect(); }
    void reconnectNow() { m_connection.reconnectNow(); }
    // Asks the server its version (GET /api/health): serverVersionKnown, or nothing (logged).
    void askServerVersion();

    // This agent's own presence (protocol 5.4): sent now when online, else when the link is
    // back, only the newest value of each; and sent again on every new link, since a server
    // (or, in a cluster, another node) knows nothing of a socket that came before. Nothing to
    // refuse: presence is ephemeral.
    void setOwnStatus(const QString& status);
    void viewRecord(const QString& module, const QString& id); // empty id: none
    void editField(const QString& field);                      // empty: none

    // A record's notes (docs/protocol.md 5.9): from the profile at once, joined whenever the
    // link is up. The session is a child of this core; each openNote is paired with a
    // closeNote, and the same note opened twice is the same session, closed with the last.
    NoteSession* openNote(const NoteRef& note, const NoteSession::Author& author);
    void closeNote(NoteSession* session);
    // Every note's edits the server has not stored yet (each open note's header says its own).
    int unsentNoteEdits() { return m_store->notes().unsentCount(); }

signals:
    // The link is up and caught up with the server's ephemeral state, or it went down (what
    // presence shows from then on is the last known).
    void liveChanged(bool live);
    // Who is present, whole (after each connect) or one user at a time (gone: isGone()).
    void presenceSnapshot(const crm::PresenceSnapshot& snapshot);
    void presenceUpdated(const crm::Presence& presence);
    void linkChanged(crm::ConnectionState state, const QString& reason);
    void latencyMeasured(qint64 ms);
    void serverVersionKnown(const QString& version, const QString& revision);
    // A user's picture changed (version 0: removed).
    void pictureChanged(const QString& userId, qint64 version);
    void caughtUp(qint64 seq);
    void changeArrived(const crm::ChangeEvent& event, const QJsonObject& previous);
    void copyCleared(const QString& reason);
    void accessChanged(const QString& reason);
    void bootstrapFailed(const QString& reason);
    void editConflicted(const crm::OutboxEntry& entry, const QString& kind,
                        const QJsonObject& detail);
    void editRefused(const crm::OutboxEntry& entry, const QString& code, const QString& message);
    // Any record's local state changed (after its module's feed heard it): counts, problem lists.
    void localStateChanged(const crm::RecordLocalState& state);

private:
    // Writes one edit to the outbox; the refusal when the store could not.
    CommandResult enqueue(const QString& module, const QString& id, Operation op,
                          const QJsonObject& fields);
    // Why a record in this state cannot be changed at all here (gone, deleted, never created,
    // being deleted), or nullopt.
    std::optional<CommandResult> refusalToChange(const QString& module,
                                                 const RecordLocalState& state);
    void announce(const QString& module, const QString& id);
    // Presence and pictures, read once here (the engine reads the sync events itself).
    void onEvent(const QString& event, const QJsonArray& args);
    // A new link: the server hears this window's status, record and field again.
    void restorePresence();

    std::unique_ptr<LocalStore> m_store;
    ConnectionManager m_connection;
    RestClient m_rest;
    std::unique_ptr<SyncEngine> m_engine;
    std::unique_ptr<ConflictResolver> m_resolver;
    TaskClient* m_tasks;          // a child of this object
    DirectoryClient* m_directory; // a child of this object
    std::function<QString()> m_token;
    bool m_checksValues = true;
    QHash<QString, ModuleFeed*> m_feeds; // children of this object, one per module
    struct OpenNote
    {
        NoteSession* session = nullptr; // a child of this object
        int opened = 0;
    };
    QHash<QString, OpenNote> m_notes; // "module/id"
    QString m_ownStatus;              // empty: never set (the server's default, online)
    QString m_viewingModule;
    QString m_viewingId; // empty: no record
    QString m_editingField;
};

} // namespace crm
