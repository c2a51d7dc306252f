#include "core/clientcore.h"

#include "core/conflictresolver.h"
#include "core/corelogging.h"
#include "protocol/eventnames.h"
#include "protocol/recordschema.h"

#include <QPointer>
#include <QUuid>

namespace crm {

namespace {

QString notStoredReason()
{
    return ClientCore::tr(
        "The change could not be written to this computer's copy, so it was not kept "
        "and nothing was sent. Try again; if it keeps failing, the disk may be full.");
}

QString goneReason(const ModuleSpec& spec)
{
    return ClientCore::tr(
               "This %1 is no longer among the records you may see, so it cannot be changed.")
        .arg(spec.singular);
}

using Refusal = CommandResult::Refusal;

} // namespace

std::unique_ptr<ClientCore> ClientCore::open(const ConnectionConfig& config,
                                             const QString& profileDir, QString* error)
{
    auto store = LocalStore::openProfile(profileDir, error);
    if (!store)
        return nullptr;
    qCInfo(lcClientCore) << "opened" << profileDir << "with" << store->outbox().count()
                         << "queued edits";
    return std::make_unique<ClientCore>(config, std::move(store));
}

ClientCore::ClientCore(const ConnectionConfig& config, std::unique_ptr<LocalStore> store,
                       QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_connection(config)
{
    m_rest.setBaseUrl(config.serverUrl);
    m_engine = std::make_unique<SyncEngine>(*m_store, m_connection, m_rest);
    m_resolver = std::make_unique<ConflictResolver>(*m_store, *m_engine);
    m_tasks = new TaskClient(m_connection, m_rest, *m_store, this);
    m_directory = new DirectoryClient(m_rest, *m_store, this);
    for (const auto& module : RecordSchema::instance().modules())
        m_feeds.insert(module.name, new ModuleFeed(module.name, this));
    m_connection.setAuthProvider([this] {
        const QString token = m_token ? m_token() : QString();
        m_rest.setBearerToken(token);
        return m_engine->authPayload(token);
    });

    // Records go to their module's feed only, with the state they are in.
    connect(m_engine.get(), &SyncEngine::recordChanged, this,
            [this](const RecordCache::Record& record, const QStringList& fields, bool byOthers) {
                if (auto* feed = m_feeds.value(record.module))
                    emit feed->recordChanged(record, fields, byOthers);
            });
    connect(m_engine.get(), &SyncEngine::localStateChanged, this, &ClientCore::announce);
    connect(m_engine.get(), &SyncEngine::caughtUp, this, &ClientCore::caughtUp);
    connect(m_engine.get(), &SyncEngine::changeArrived, this, &ClientCore::changeArrived);
    connect(m_engine.get(), &SyncEngine::copyCleared, this, &ClientCore::copyCleared);
    connect(m_engine.get(), &SyncEngine::accessChanged, this, &ClientCore::accessChanged);
    connect(m_engine.get(), &SyncEngine::bootstrapFailed, this, &ClientCore::bootstrapFailed);
    connect(m_engine.get(), &SyncEngine::editConflicted, this, &ClientCore::editConflicted);
    connect(m_engine.get(), &SyncEngine::editRefused, this, &ClientCore::editRefused);
    connect(&m_connection, &ConnectionManager::eventReceived, this,
            [this](const QString& event, const QJsonArray& args) { onEvent(event, args); });
    connect(&m_connection, &ConnectionManager::stateChanged, this,
            [this](ConnectionState state, const QString& reason) {
                emit linkChanged(state, reason);
                if (state != ConnectionState::Online)
                    emit liveChanged(false);
                else
                    restorePresence();
            });
    connect(&m_connection, &ConnectionManager::latencyMeasured, this, &ClientCore::latencyMeasured);
}

NoteSession* ClientCore::openNote(const NoteRef& note, const NoteSession::Author& author)
{
    OpenNote& open = m_notes[note.module + u'/' + note.id];
    if (!open.session)
        open.session = new NoteSession(note, author, m_connection, m_store->notes(), this);
    ++open.opened;
    return open.session;
}

void ClientCore::closeNote(NoteSession* session)
{
    if (!session)
        return;
    const QString key = session->note().module + u'/' + session->note().id;
    auto open = m_notes.find(key);
    if (open == m_notes.end() || open->session != session || --open->opened > 0)
        return;
    m_notes.erase(open);
    delete session; // folds the log and tells the server it left
}

void ClientCore::onEvent(const QString& event, const QJsonArray& args)
{
    const QJsonObject payload = args.first().toObject();
    if (event == events::PresenceUpdate) {
        auto update = Presence::fromJson(payload);
        // Presence is ephemeral: the next update or snapshot says it again.
        if (!update.ok())
            qCWarning(lcClientCore)
                << "ignoring a malformed presence:" << update.error().describe();
        else
            emit presenceUpdated(update.value());
    } else if (event == events::PresenceSnapshot) {
        auto snapshot = PresenceSnapshot::fromJson(payload);
        if (!snapshot.ok()) {
            // The list stays as last known (stale) until a snapshot that can be read.
            qCWarning(lcClientCore)
                << "ignoring a malformed presence snapshot:" << snapshot.error().describe();
            return;
        }
        emit presenceSnapshot(snapshot.value());
        emit liveChanged(true);
    } else if (event == events::UserPicture) {
        const QString userId = payload.value(QStringLiteral("userId")).toString();
        const QJsonValue version = payload.value(QStringLiteral("pictureVersion"));
        const bool whole =
            version.isDouble() && version.toDouble() == static_cast<double>(version.toInteger());
        if (userId.isEmpty() || !whole || version.toInteger() < 0) {
            qCWarning(lcClientCore) << "ignoring a malformed user:picture";
            return;
        }
        emit pictureChanged(userId, version.toInteger());
    }
}

void ClientCore::askServerVersion()
{
    m_rest.get(QStringLiteral("/api/health"), [self = QPointer(this)](const RestReply& reply) {
        if (!self)
            return;
        if (!reply.ok()) {
            // Not worth a notice: About says "unknown" and the next connection asks again.
            qCInfo(lcClientCore) << "server version not known:" << reply.error.describe();
            return;
        }
        const QJsonObject health = reply.body.toObject();
        emit self->serverVersionKnown(health.value(QStringLiteral("version")).toString(),
                                      health.value(QStringLiteral("revision")).toString());
    });
}

void ClientCore::restorePresence()
{
    if (!m_ownStatus.isEmpty())
        setOwnStatus(m_ownStatus);
    if (!m_viewingId.isEmpty()) {
        const QString field = m_editingField;
        viewRecord(m_viewingModule, m_viewingId);
        if (!field.isEmpty())
            editField(field);
    }
}

void ClientCore::setOwnStatus(const QString& status)
{
    m_ownStatus = status;
    m_connection.emitEphemeral(QString(events::PresenceSet),
                               {QJsonObject{{QStringLiteral("status"), status}}},
                               QString(events::PresenceSet));
}

void ClientCore::viewRecord(const QString& module, const QString& id)
{
    m_viewingModule = module;
    m_viewingId = id;
    m_editingField.clear(); // the server forgets the field when the record changes, too
    if (id.isEmpty())
        m_connection.emitEphemeral(QString(events::RecordUnsubscribe), {QJsonObject{}},
                                   QStringLiteral("record"));
    else
        m_connection.emitEphemeral(QString(events::RecordSubscribe),
                                   {RecordRef{module, id, {}}.toJson()}, QStringLiteral("record"));
}

void ClientCore::editField(const QString& field)
{
    m_editingField = field;
    m_connection.emitEphemeral(
        QString(events::PresenceEditing),
        {QJsonObject{{QStringLiteral("field"),
                      field.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(field)}}},
        QStringLiteral("editing"));
}

ClientCore::~ClientCore()
{
    // Open notes fold their log into the store and leave while both still exist (children
    // would otherwise go after the members they use).
    for (const OpenNote& open : std::as_const(m_notes))
        delete open.session;
    m_notes.clear();
    m_connection.stop();
}

void ClientCore::setTokenSource(std::function<QString()> source)
{
    m_token = std::move(source);
    m_rest.setBearerToken(m_token ? m_token() : QString());
}

void ClientCore::start()
{
    m_rest.setBearerToken(m_token ? m_token() : QString());
    m_connection.start();
}

void ClientCore::stop()
{
    m_connection.stop();
}

ModuleFeed& ClientCore::feed(const QString& module)
{
    auto* feed = m_feeds.value(module);
    Q_ASSERT_X(feed, "ClientCore::feed", "a module the schema does not have");
    return *feed;
}

RecordLocalState ClientCore::localState(const QString& module, const QString& id)
{
    RecordLocalState state;
    state.module = module;
    state.id = id;
    for (const auto& entry : m_store->outbox().entriesOf(module, id))
        state.addQueued(entry);
    state.failed = m_store->problems().hasFailure(module, id);
    if (state.failed)
        state.readOnlyReason = m_store->problems().permissionRefusal(module, id);
    state.conflict = m_store->problems().hasConflict(module, id);
    state.confirmed = m_store->cache().record(module, id);
    return state;
}

QHash<QString, RecordLocalState> ClientCore::localStates(const QString& module)
{
    QHash<QString, RecordLocalState> states;
    auto stateOf = [&](const QString& id) -> RecordLocalState& {
        auto it = states.find(id);
        if (it == states.end()) {
            it = states.insert(id, {});
            it->module = module;
            it->id = id;
            it->confirmed = m_store->cache().record(module, id);
        }
        return *it;
    };
    for (const auto& entry : m_store->outbox().entries()) {
        if (entry.module == module)
            stateOf(entry.recordId).addQueued(entry);
    }
    for (const auto& failure : m_store->problems().failures()) {
        if (failure.entry.module != module)
            continue;
        auto& state = stateOf(failure.entry.recordId);
        state.failed = true;
        if (ProblemLog::isPermissionRefusal(failure.code))
            state.readOnlyReason = failure.message;
    }
    for (const auto& conflict : m_store->problems().conflicts()) {
        if (conflict.entry.module == module)
            stateOf(conflict.entry.recordId).conflict = true;
    }
    return states;
}

void ClientCore::announce(const QString& module, const QString& id)
{
    auto* feed = m_feeds.value(module);
    const RecordLocalState state = localState(module, id);
    if (feed)
        emit feed->localStateChanged(state);
    emit localStateChanged(state);
}

CommandResult ClientCore::enqueue(const QString& module, const QString& id, Operation op,
                                  const QJsonObject& fields)
{
    // The engine announces the queued edit (the module's feed hears it before this returns).
    const auto entry = m_engine->edit(module, id, op, fields);
    if (!entry) {
        qCWarning(lcClientCore) << "could not queue" << operationName(op) << "of" << module << id;
        return CommandResult::refused(Refusal::NotStored, notStoredReason());
    }
    return CommandResult::done(id, entry->mutationId);
}

std::optional<CommandResult> ClientCore::refusalToChange(const QString& module,
                                                         const RecordLocalState& state)
{
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        return CommandResult::refused(Refusal::NotFound, tr("There is no module %1.").arg(module));
    if (state.confirmed && state.confirmed->deleted && !state.pendingCreate)
        return CommandResult::refused(
            Refusal::NotFound,
            tr("This %1 has been deleted, so it cannot be changed.").arg(spec->singular));
    if (!state.confirmed && !state.pendingCreate && state.failed)
        return CommandResult::refused(
            Refusal::NotFound,
            tr("This %1 was never created: the server refused it. Send it again or discard it "
               "under Refused changes.")
                .arg(spec->singular));
    if (!state.confirmed && !state.pendingCreate)
        return CommandResult::refused(Refusal::NotFound, goneReason(*spec));
    if (state.pendingDelete)
        return CommandResult::refused(
            Refusal::NotFound,
            tr("This %1 is being deleted here, so it cannot be changed.").arg(spec->singular));
    return std::nullopt;
}

CommandResult ClientCore::edit(const QString& module, const QString& id, const QJsonObject& fields)
{
    const RecordLocalState state = localState(module, id);
    if (auto refused = refusalToChange(module, state))
        return *refused;
    if (fields.isEmpty())
        return CommandResult::refused(Refusal::NothingChanged, tr("Nothing was changed."));
    if (!state.readOnlyReason.isEmpty())
        return CommandResult::refused(Refusal::ReadOnly, state.readOnlyReason);
    const auto& schema = RecordSchema::instance();
    if (m_checksValues) {
        if (const auto invalid = schema.validate(*schema.module(module), fields, false))
            return CommandResult::refused(Refusal::InvalidValue, invalid->message, invalid->field);
    }
    return enqueue(module, id, Operation::Update, fields);
}

CommandResult ClientCore::create(const QString& module, const QJsonObject& fields)
{
    const auto& schema = RecordSchema::instance();
    const ModuleSpec* spec = schema.module(module);
    if (!spec)
        return CommandResult::refused(Refusal::NotFound, tr("There is no module %1.").arg(module));
    if (m_checksValues) {
        if (const auto invalid = schema.validate(*spec, fields, true))
            return CommandResult::refused(Refusal::InvalidValue, invalid->message, invalid->field);
    }
    return enqueue(module, QUuid::createUuid().toString(QUuid::WithoutBraces), Operation::Create,
                   fields);
}

CommandResult ClientCore::remove(const QString& module, const QString& id)
{
    // No read-only check: the server judges a delete on its own (a refused edit of a field
    // says nothing about the right to delete).
    if (auto refused = refusalToChange(module, localState(module, id)))
        return *refused;
    return enqueue(module, id, Operation::Delete, {});
}

CommandResult ClientCore::retry(qint64 mutationId, const QJsonObject& corrections)
{
    for (const auto& failed : m_store->problems().failures()) {
        if (failed.entry.mutationId != mutationId)
            continue;
        QJsonObject fields = failed.entry.fields;
        for (auto it = corrections.begin(); it != corrections.end(); ++it)
            fields.insert(it.key(), it.value());
        // Not checked against this build's schema: the server judges a resend (its schema may
        // be newer), and whatever it refuses comes back here with its reason.
        // A new edit on the current version first; only then does the refused one leave, so a
        // failure between the two keeps both rather than neither.
        auto result = enqueue(failed.entry.module, failed.entry.recordId, failed.entry.op, fields);
        if (!result.ok())
            return result;
        if (!m_store->problems().discardFailure(mutationId))
            qCWarning(lcClientCore)
                << "the refused edit" << mutationId << "stays listed after its retry was queued";
        m_engine->announce(failed.entry.module, failed.entry.recordId);
        return result;
    }
    return CommandResult::refused(Refusal::NotFound,
                                  tr("That refused change is no longer waiting here."));
}

CommandResult ClientCore::discard(qint64 mutationId)
{
    for (const auto& failed : m_store->problems().failures()) {
        if (failed.entry.mutationId != mutationId)
            continue;
        if (!m_store->problems().discardFailure(mutationId))
            return CommandResult::refused(Refusal::NotStored, notStoredReason());
        m_engine->announce(failed.entry.module, failed.entry.recordId);
        return CommandResult::done(failed.entry.recordId);
    }
    return CommandResult::refused(Refusal::NotFound,
                                  tr("That refused change is no longer waiting here."));
}

CommandResult ClientCore::resolve(qint64 conflictId, Resolution resolution,
                                  const QJsonObject& values)
{
    std::optional<ConflictEntry> conflict;
    for (const auto& open : m_store->problems().conflicts()) {
        if (open.id == conflictId)
            conflict = open;
    }
    if (!conflict)
        return CommandResult::refused(Refusal::NotFound,
                                      tr("That conflict has already been settled."));
    const QString recordId = conflict->entry.recordId;
    const QString kind = conflictKindName(conflict->kind);
    auto fits = [&](ConflictKind wanted) { return conflict->kind == wanted; };
    auto queued = [&](const std::optional<OutboxEntry>& entry) {
        return entry ? CommandResult::done(entry->recordId, entry->mutationId)
                     : CommandResult::refused(Refusal::NotStored, notStoredReason());
    };
    const auto unfit = CommandResult::refused(
        Refusal::InvalidValue, tr("That choice does not fit this conflict (%1).").arg(kind));
    switch (resolution) {
    case Resolution::TakeTheirs:
        return m_resolver->takeTheirs(conflictId)
                   ? CommandResult::done(recordId)
                   : CommandResult::refused(Refusal::NotStored, notStoredReason());
    case Resolution::KeepMine:
        return fits(ConflictKind::Fields) ? queued(m_resolver->keepMine(conflictId)) : unfit;
    case Resolution::Merge:
        // Every field left to theirs is the same as taking theirs, whatever the conflict.
        if (values.isEmpty())
            return resolve(conflictId, Resolution::TakeTheirs);
        return fits(ConflictKind::Fields) ? queued(m_resolver->merge(conflictId, values)) : unfit;
    case Resolution::Restore:
        return fits(ConflictKind::Deleted) ? queued(m_resolver->restoreWithMine(conflictId))
                                           : unfit;
    case Resolution::DeleteAnyway:
        return fits(ConflictKind::Changed) ? queued(m_resolver->deleteAnyway(conflictId)) : unfit;
    }
    return unfit;
}

} // namespace crm
