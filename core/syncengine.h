#pragma once

#include "core/localstore.h"
#include "realtime/backoffpolicy.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace crm {

class ConnectionManager;
class RestClient;
struct AckOutcome;
struct RestReply;

// Keeps the local store in step with crm-server, both ways:
//  - incoming: the server's replay (sync:changes) and live change events are applied to the
//    confirmed copy by version; a fresh profile bootstraps over REST, and so does one the server
//    tells to re-bootstrap (the outbox is kept);
//  - outgoing: after catch-up, the outbox is sent in mutation-id order in `mutate:batch`
//    requests (up to mutationbatch::kMaxMutations each, one batch on the wire at a time), each
//    result handled as docs/protocol.md 5.3 says. Every edit keeps the version the agent made it
//    on: the server never counts this client's own changes as a conflict.
// Nothing is lost on a crash: every edit is in the outbox before it is sent, a resend reuses its
// mutation id, and the server answers a resend "duplicate".
class SyncEngine : public QObject
{
    Q_OBJECT
public:
    SyncEngine(LocalStore& store, ConnectionManager& connection, RestClient& rest,
               QObject* parent = nullptr);

    // The CONNECT auth payload to use (token from the session layer, clientId and since here).
    QJsonObject authPayload(const QString& accessToken) const;

    // A local edit: durable in the outbox when this returns, sent when online.
    std::optional<OutboxEntry> edit(const QString& module, const QString& recordId, Operation op,
                                    const QJsonObject& fields);
    // Sends the head of the outbox unless a batch is on the wire already (after catch-up, after
    // each answer, on retry, after an edit).
    void flush();
    // Tells the models that something outside the engine (the resolver) changed a record's
    // local state.
    void announce(const QString& module, const QString& recordId);

    bool isCaughtUp() const { return m_caughtUp; }
    // The copy is being loaded over REST (a fresh profile, or a reload after copyCleared).
    bool isBootstrapping() const { return m_bootstrapping; }
    int inFlightCount() const { return static_cast<int>(m_onTheWire.size()); }

signals:
    // Every change event from the server (replay or live), with the values the changed fields
    // had here before it was applied: the activity feed's before / after.
    void changeArrived(const crm::ChangeEvent& event, const QJsonObject& previous);
    // byOthers: the change came from someone else (a teammate, an AI agent), not this profile.
    // record: the confirmed state now (deleted set when it went), so no one re-reads the store.
    void recordChanged(const crm::RecordCache::Record& record, const QStringList& fields,
                       bool byOthers);
    void caughtUp(qint64 seq);
    // The record's queued edits, failure or conflict changed (the model re-reads just that).
    void localStateChanged(const QString& module, const QString& recordId);
    void bootstrapFailed(const QString& reason);
    // The confirmed copy was dropped and is being loaded again (the outbox stays): models
    // start over. Happens when the server cannot patch the copy, or when the agent's team or
    // role changed so what they may see is different (`reason` says which).
    void copyCleared(const QString& reason);
    // The server says this agent's team or role is not what the copy was built for.
    void accessChanged(const QString& reason);
    // One of this profile's edits met someone else's change (kind: "field" or "deleted"), or
    // was refused by the server with its reason. Both are kept until the agent acts.
    // `detail` is the server's answer: base / mine / theirs per field, and who ("by").
    void editConflicted(const crm::OutboxEntry& entry, const QString& kind,
                        const QJsonObject& detail);
    void editRefused(const crm::OutboxEntry& entry, const QString& code, const QString& message);

private:
    void onEvent(const QString& event, const QJsonArray& args);
    void onStateChanged();
    void applyChange(ChangeEvent change);
    void applyLiveChanges();
    void applyChanges(const QList<ChangeEvent>& changes);
    // A change the server sent that this client cannot read: logged, and the copy reloaded.
    void refuse(const QString& event, const WireError& why);
    void bootstrap();
    void rebuildCopy(const QString& reason);
    // True when sync:caught-up names a team / role other than the copy was built for.
    bool scopeChanged(const QJsonObject& scope);
    void bootstrapModule(qsizetype moduleIndex, int offset, qint64 seq);
    // A full copy read over REST, against what the stream brought meanwhile: the copy when it
    // is at least as new, else the stream's newer fields laid over it; nullopt when nothing
    // would change.
    std::optional<RecordCache::Record> reconcile(const RecordCache::Record& fetched);
    // Stores reconciled copies and tells the models.
    void storeFetched(const QList<RecordCache::Record>& fetched);
    void fetchRecord(const QString& module, const QString& id);
    void onBatchAnswer(const AckOutcome& outcome);
    // One mutation's result (5.3); false when the server could not store it (send it later).
    bool handleResult(const OutboxEntry& entry, const QJsonObject& json);
    bool canSend() const;

    LocalStore& m_store;
    ConnectionManager& m_connection;
    RestClient& m_rest;
    bool m_caughtUp = false;
    bool m_bootstrapping = false;
    quint64 m_bootstrapGeneration = 0;
    QList<OutboxEntry> m_onTheWire; // the batch waiting for its answer
    bool m_oneAtATime = false;      // this link's server has no mutate:batch
    // Unanswered or "error" mutations are retried with backoff, never dropped.
    BackoffPolicy m_retryBackoff;
    int m_retryAttempt = 0;
    QTimer m_retryTimer;
    QList<ChangeEvent> m_liveChanges; // live events not applied yet (see applyChange)
    QTimer m_liveTimer;
    void scheduleRetry();
};

} // namespace crm
