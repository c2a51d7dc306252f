#include "core/syncengine.h"

#include "core/corelogging.h"
#include "protocol/eventnames.h"
#include "protocol/jsontext.h"
#include "protocol/mutationbatch.h"
#include "protocol/recordpayload.h"
#include "protocol/recordschema.h"
#include "realtime/connectionmanager.h"
#include "realtime/restclient.h"

#include <QJsonArray>

namespace crm {

namespace {

// The record a REST page or a mutation result carries, as the store keeps it; nullopt (logged)
// when it is malformed.
std::optional<RecordCache::Record> recordFromJson(const QJsonObject& json)
{
    auto parsed = RecordPayload::fromJson(json);
    if (!parsed.ok()) {
        qCWarning(lcSyncEngine) << "a record the server sent is malformed:"
                                << parsed.error().describe();
        return std::nullopt;
    }
    RecordPayload payload = std::move(parsed).value();
    return RecordCache::Record{payload.module,  payload.id,     std::move(payload.fields),
                               payload.version, payload.teamId, payload.ownerId,
                               payload.masked,  payload.deleted};
}

} // namespace

SyncEngine::SyncEngine(LocalStore& store, ConnectionManager& connection, RestClient& rest,
                       QObject* parent)
    : QObject(parent), m_store(store), m_connection(connection), m_rest(rest)
{
    connect(&m_connection, &ConnectionManager::eventReceived, this,
            [this](const QString& event, const QJsonArray& args) { onEvent(event, args); });
    connect(&m_connection, &ConnectionManager::stateChanged, this, &SyncEngine::onStateChanged);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &SyncEngine::flush);
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(0);
    connect(&m_liveTimer, &QTimer::timeout, this, &SyncEngine::applyLiveChanges);
}

void SyncEngine::scheduleRetry()
{
    if (!m_retryTimer.isActive())
        m_retryTimer.start(m_retryBackoff.delayFor(++m_retryAttempt));
}

QJsonObject SyncEngine::authPayload(const QString& accessToken) const
{
    QJsonObject auth{{QStringLiteral("token"), accessToken},
                     {QStringLiteral("clientId"), m_store.clientId()}};
    // A fresh profile asks for no replay: it bootstraps over REST instead (section 6).
    const qint64 seq = m_store.cache().lastSeq();
    if (seq > 0)
        auth.insert(QStringLiteral("since"), seq);
    return auth;
}

std::optional<OutboxEntry> SyncEngine::edit(const QString& module, const QString& recordId,
                                            Operation op, const QJsonObject& fields)
{
    // The base is the version this edit was made on: the confirmed one (0 for a record whose
    // create is still queued here). It never moves: the server tells this client's own changes
    // since then from everybody else's.
    std::optional<qint64> base;
    if (op != Operation::Create) {
        const auto confirmed = m_store.cache().record(module, recordId);
        base = confirmed ? confirmed->version : 0;
    }
    auto entry = m_store.outbox().enqueue(module, recordId, op, base, fields);
    if (entry) {
        emit localStateChanged(module, recordId);
        flush();
    }
    return entry;
}

void SyncEngine::onStateChanged()
{
    // Each new link may be to a newer server: try mutate:batch again.
    if (m_connection.state() == ConnectionState::Connecting)
        m_oneAtATime = false;
    // Acks of the old link fail as Disconnected on their own; what is in flight is resent (same
    // ids) after the next catch-up.
    if (m_connection.state() != ConnectionState::Online)
        m_caughtUp = false;
}

void SyncEngine::onEvent(const QString& event, const QJsonArray& args)
{
    const QJsonObject payload = args.first().toObject();
    // "escrow:updated": a record's change, named after a module of the schema.
    const bool liveChange = ChangeEvent::kindOfEventName(event) &&
                            RecordSchema::instance().moduleBySingular(
                                QStringView(event).left(event.lastIndexOf(u':'))) != nullptr;
    if (!liveChange)
        applyLiveChanges(); // whatever comes next is about a stream applied up to here
    if (event == events::SyncChanges) {
        auto page = ChangePage::fromJson(payload);
        if (!page.ok())
            return refuse(event, page.error());
        applyChanges(page.value().changes);
    } else if (event == events::SyncCaughtUp) {
        const qint64 seq = payload.value(QStringLiteral("seq")).toInteger();
        m_caughtUp = true;
        if (scopeChanged(payload.value(QStringLiteral("scope")).toObject())) {
            const QString why = tr("Your team or role changed: reloading the records you may see");
            emit accessChanged(why);
            rebuildCopy(why);
            return;
        }
        if (m_store.cache().lastSeq() == 0 && seq > 0 && !m_bootstrapping)
            bootstrap();
        else
            emit caughtUp(seq);
        flush();
    } else if (event == events::SyncRebootstrap) {
        rebuildCopy(tr("The server cannot bring this copy up to date: reloading it"));
    } else if (liveChange) {
        auto change = ChangeEvent::fromJson(payload);
        if (!change.ok())
            return refuse(event, change.error());
        applyChange(std::move(change).value());
    }
}

void SyncEngine::refuse(const QString& event, const WireError& why)
{
    qCWarning(lcSyncEngine) << "a malformed" << event << "from the server:" << why.describe();
    // Skipping it would leave the copy without that change while later ones move the seq past
    // it: the copy is read again whole instead (the outbox stays).
    if (!m_bootstrapping)
        rebuildCopy(tr("The server sent a change this app cannot read: reloading the records"));
}

void SyncEngine::applyChange(ChangeEvent change)
{
    // Live events that arrive together (one network read carries many) are applied together,
    // in one transaction, once this turn of the event loop is done with them.
    m_liveChanges.append(std::move(change));
    if (!m_liveTimer.isActive())
        m_liveTimer.start();
}

void SyncEngine::applyLiveChanges()
{
    m_liveTimer.stop();
    if (!m_liveChanges.isEmpty())
        applyChanges(std::exchange(m_liveChanges, {}));
}

void SyncEngine::applyChanges(const QList<ChangeEvent>& changes)
{
    const auto applied = m_store.cache().applyChanges(changes);
    if (!applied)
        return; // storage trouble: nothing applied, the seq did not move; the next replay retries
    for (qsizetype i = 0; i < changes.size(); ++i) {
        const ChangeEvent& change = changes.at(i);
        const RecordCache::Applied& result = applied->at(i);
        emit changeArrived(change, result.previous);
        const bool byOthers = change.clientId != m_store.clientId();
        if (result.changed)
            emit recordChanged(result.record, result.fields, byOthers);
        // An update of a record we never had (it arrived before its bootstrap page, or it just
        // became visible to us) carries only what changed: fetch the rest.
        if (result.incomplete)
            fetchRecord(result.record.module, result.record.id);
    }
}

std::optional<RecordCache::Record> SyncEngine::reconcile(const RecordCache::Record& fetched)
{
    const auto existing = m_store.cache().record(fetched.module, fetched.id);
    if (!existing || existing->version <= fetched.version)
        return fetched; // the same version has the same content: the full copy wins
    if (existing->deleted)
        return std::nullopt;
    // The stream is newer: its events carried every field changed since the copy was read.
    RecordCache::Record merged = *existing;
    QJsonObject fields = fetched.fields;
    for (auto it = existing->fields.begin(); it != existing->fields.end(); ++it)
        fields.insert(it.key(), it.value());
    if (fields == existing->fields)
        return std::nullopt;
    merged.fields = fields;
    for (const auto& name : fetched.masked) {
        if (!merged.masked.contains(name) && !existing->fields.contains(name))
            merged.masked.append(name);
    }
    return merged;
}

void SyncEngine::storeFetched(const QList<RecordCache::Record>& fetched)
{
    QList<RecordCache::Record> page;
    for (const auto& record : fetched) {
        if (auto reconciled = reconcile(record))
            page.append(*reconciled);
    }
    if (page.isEmpty() || !m_store.cache().storeRecords(page)) // one transaction per page
        return;
    for (const auto& record : page)
        emit recordChanged(record, record.fields.keys(), false);
}

void SyncEngine::fetchRecord(const QString& module, const QString& id)
{
    m_rest.get(QStringLiteral("/api/records/%1/%2").arg(module, id),
               [this](const RestReply& reply) {
                   // Not found: it left our reach again; the next event or bootstrap tells.
                   if (!reply.ok())
                       return;
                   if (auto record = recordFromJson(reply.body.toObject()))
                       storeFetched({*record});
               });
}

bool SyncEngine::scopeChanged(const QJsonObject& scope)
{
    if (scope.isEmpty())
        return false; // an older server: nothing to compare
    const QString current = scope.value(QStringLiteral("teamId")).toString() + u'|' +
                            scope.value(QStringLiteral("role")).toString();
    const QString known = m_store.metaValue(QStringLiteral("scope"));
    if (current == known)
        return false;
    m_store.setMetaValue(QStringLiteral("scope"), current);
    // A first connect just learns it; a copy built (or being built) for another scope must be
    // rebuilt.
    return !known.isEmpty();
}

void SyncEngine::rebuildCopy(const QString& reason)
{
    qCInfo(lcSyncEngine) << reason << "; keeping" << m_store.outbox().count() << "queued edits";
    m_store.cache().clearConfirmed();
    emit copyCleared(reason);
    bootstrap();
}

void SyncEngine::bootstrap()
{
    // A bootstrap that is still under way (its pages were read for an old scope) is abandoned.
    ++m_bootstrapGeneration;
    m_bootstrapping = true;
    bootstrapModule(0, 0, -1);
}

void SyncEngine::bootstrapModule(qsizetype moduleIndex, int offset, qint64 seq)
{
    const auto& modules = RecordSchema::instance().modules();
    if (moduleIndex >= modules.size()) {
        // Live events that arrived meanwhile were applied by version already; from here the
        // stream continues after the seq the first page was read at.
        if (seq > m_store.cache().lastSeq())
            m_store.cache().setLastSeq(seq);
        m_bootstrapping = false;
        emit caughtUp(m_store.cache().lastSeq());
        flush();
        return;
    }
    const QString module = modules.at(moduleIndex).name;
    RestClient::RequestOptions options;
    options.query.addQueryItem(QStringLiteral("offset"), QString::number(offset));
    options.query.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
    m_rest.get(
        QStringLiteral("/api/records/") + module,
        [this, moduleIndex, offset, seq,
         generation = m_bootstrapGeneration](const RestReply& reply) {
            if (generation != m_bootstrapGeneration)
                return;
            if (!reply.ok()) {
                m_bootstrapping = false;
                emit bootstrapFailed(reply.error.describe());
                return;
            }
            const auto body = reply.body.toObject();
            // The oldest page's seq is the safe resume point: everything after it streams in.
            const qint64 pageSeq = body.value(QStringLiteral("seq")).toInteger();
            const qint64 resume = seq < 0 ? pageSeq : std::min(seq, pageSeq);
            const auto items = body.value(QStringLiteral("items")).toArray();
            QList<RecordCache::Record> page;
            for (const auto& item : items) {
                if (auto record = recordFromJson(item.toObject()))
                    page.append(*record);
            }
            storeFetched(page);
            const int next = offset + static_cast<int>(items.size());
            if (next < body.value(QStringLiteral("total")).toInt() && !items.isEmpty())
                bootstrapModule(moduleIndex, next, resume);
            else
                bootstrapModule(moduleIndex + 1, 0, resume);
        },
        options);
}

void SyncEngine::announce(const QString& module, const QString& recordId)
{
    emit localStateChanged(module, recordId);
}

bool SyncEngine::canSend() const
{
    return m_caughtUp && !m_bootstrapping && m_connection.state() == ConnectionState::Online;
}

void SyncEngine::flush()
{
    if (!canSend() || !m_onTheWire.isEmpty())
        return;
    // In mutation-id order, so a record's edits apply in the order they were made; the server
    // applies a batch in order, in one transaction. A server without mutate:batch gets them
    // one `mutate` at a time.
    const int most = m_oneAtATime ? 1 : mutationbatch::kMaxMutations;
    // What one frame may carry, less room for the event name, the ack id and the list.
    const qint64 frameRoom = m_connection.handshake().maxPayload - 1024;
    QJsonArray mutations;
    qsizetype bytes = 0;
    for (const auto& entry : m_store.outbox().entries(most)) {
        const QJsonObject mutation = entry.toMutation().toJson();
        const qsizetype size = json::write(mutation).size();
        if (size > frameRoom) {
            // It could never be sent: refused here, so it does not hold back everything after it.
            const QString why =
                tr("This change is larger than the server accepts (%1 bytes)").arg(size);
            const QString code = errorCodeName(ErrorCode::TooLarge);
            if (m_store.problems().fail(entry.mutationId, code, why)) {
                emit editRefused(entry, code, why);
                emit localStateChanged(entry.module, entry.recordId);
            }
            continue;
        }
        bytes += size;
        if (!m_onTheWire.isEmpty() && bytes > mutationbatch::kMaxBytes)
            break;
        m_onTheWire.append(entry);
        mutations.append(mutation);
    }
    if (m_onTheWire.isEmpty())
        return;
    for (const auto& entry : std::as_const(m_onTheWire))
        m_store.outbox().noteAttempt(entry.mutationId);
    auto answer = [this](const AckOutcome& outcome) { onBatchAnswer(outcome); };
    if (m_oneAtATime)
        m_connection.emitWithAck(QString(events::Mutate), {mutations.first()}, answer);
    else
        m_connection.emitWithAck(QString(events::MutateBatch),
                                 {QJsonObject{{QStringLiteral("mutations"), mutations}}}, answer);
}

void SyncEngine::onBatchAnswer(const AckOutcome& outcome)
{
    // Still counted as on the wire while its results are handled (inFlightCount()); cleared
    // before anything can send the next batch.
    const QList<OutboxEntry> sent = m_onTheWire;
    const QJsonObject answer = outcome.ok() ? outcome.args.first().toObject() : QJsonObject();
    const QJsonArray results =
        m_oneAtATime ? QJsonArray{answer} : answer.value(QStringLiteral("results")).toArray();
    if (outcome.ok() && !m_oneAtATime && !answer.contains(QStringLiteral("results")) &&
        answer.value(QStringLiteral("status")) ==
            mutationStatusName(MutationResult::Status::Rejected)) {
        // The request as a whole was refused. An older server that does not know mutate:batch
        // gets the same mutations one at a time; anything else is logged and tried later.
        m_onTheWire.clear();
        const WireError error =
            WireError::fromJson(answer.value(QStringLiteral("error")).toObject());
        if (error.code == ErrorCode::UnknownEvent) {
            qCInfo(lcSyncEngine) << "the server has no mutate:batch: sending one at a time";
            m_oneAtATime = true;
            flush();
            return;
        }
        qCWarning(lcSyncEngine) << "the server refused a batch of" << sent.size() << ":" << answer;
        scheduleRetry();
        return;
    }
    if (!outcome.ok() || results.size() != sent.size()) {
        // Not answered (link dropped, timeout) or not understood: all of it stays queued and is
        // resent with the same ids after the next catch-up, where the server tells duplicates.
        qCDebug(lcSyncEngine) << "batch of" << sent.size() << "unanswered:"
                              << (outcome.ok() ? QStringLiteral("malformed answer")
                                               : outcome.error);
        m_onTheWire.clear();
        scheduleRetry();
        return;
    }
    bool stored = true;
    for (qsizetype i = 0; i < sent.size(); ++i)
        stored = handleResult(sent.at(i), results.at(i).toObject()) && stored;
    m_onTheWire.clear();
    if (!stored) {
        // The server could not store something, or this profile could not record an answer:
        // try again after a pause, never in a tight loop.
        scheduleRetry();
        return;
    }
    m_retryAttempt = 0;
    flush();
}

bool SyncEngine::handleResult(const OutboxEntry& entry, const QJsonObject& json)
{
    const auto parsed = MutationResult::fromJson(json);
    if (!parsed.ok()) {
        // Not understood: it stays queued; the resend is answered "duplicate" with the original.
        qCWarning(lcSyncEngine) << "the answer to mutation" << entry.mutationId
                                << "is malformed:" << parsed.error().describe();
        return false;
    }
    const MutationResult& result = parsed.value().effective();
    using Status = MutationResult::Status;
    switch (result.status) {
    case Status::Applied:
    case Status::Duplicate: // a duplicate without its original: done before, nothing to learn
        if (!result.record.isEmpty()) {
            const auto confirmed = recordFromJson(result.record);
            const auto existing =
                confirmed ? m_store.cache().record(confirmed->module, confirmed->id) : std::nullopt;
            if (confirmed && (!existing || existing->version < confirmed->version)) {
                if (!m_store.cache().storeRecord(*confirmed))
                    return false; // still queued: the resend is answered "duplicate"
                emit recordChanged(*confirmed, confirmed->fields.keys(), false);
            }
        }
        if (!m_store.outbox().complete(entry.mutationId))
            return false;
        break;
    case Status::Conflict: {
        // Kept as the server sent it (a duplicate's original), members this build does not
        // read included.
        const QJsonObject detail =
            &result == &parsed.value() ? json : json.value(QStringLiteral("original")).toObject();
        if (!m_store.problems().conflict(entry.mutationId, result.kind, detail))
            return false;
        emit editConflicted(entry, conflictKindName(result.kind), detail);
        break;
    }
    case Status::Rejected: {
        const QString code = result.error.codeName();
        if (!m_store.problems().fail(entry.mutationId, code, result.error.message))
            return false;
        emit editRefused(entry, code, result.error.message);
        break;
    }
    case Status::Error:
        // The server could not store it; it stays queued for the next try.
        qCInfo(lcSyncEngine) << "server could not store mutation" << entry.mutationId;
        return false;
    }
    emit localStateChanged(entry.module, entry.recordId);
    return true;
}

} // namespace crm
