#include "server/sync/notehub.h"

#include "protocol/errorcode.h"
#include "protocol/eventnames.h"
#include "protocol/mutationresult.h"
#include "protocol/notemessages.h"
#include "protocol/recordschema.h"
#include "server/cluster/clusterbus.h"
#include "server/socketio/socketioserversession.h"
#include "server/storage/notestore.h"
#include "server/storage/recordstore.h"
#include "server/sync/synclogging.h"

#include <QDateTime>

namespace crm {

namespace {

using namespace std::chrono_literals;

QString keyOf(const QString& module, const QString& id)
{
    return module + u'/' + id;
}

QJsonObject refusal(ErrorCode code, const QString& message)
{
    return MutationResult::rejected(code, message).toJson();
}

QJsonObject refusal(const WireError& error)
{
    return MutationResult::rejected(error.code, error.message, error.member).toJson();
}

// Answers the event's ack, when it asked for one.
auto answerTo(SocketIoServerSession* session, qint64 ackId)
{
    return [session, ackId](const QJsonObject& result) {
        if (ackId >= 0)
            session->sendAck(ackId, {result});
    };
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

NoteHub::NoteHub(RecordStore& records, NoteStore& store, MutationService& mutations,
                 std::function<void(const ChangeEntry&)> broadcast, QObject* parent)
    : QObject(parent), m_records(records), m_store(store),
      m_activity({mutations, records, std::move(broadcast),
                  [this](const QString& key) -> std::optional<QString> {
                      const auto found = m_open.find(key);
                      if (found == m_open.end())
                          return std::nullopt;
                      return currentText(*found.value());
                  }})
{
    // The plain text is written at most this often per note while people type.
    m_textTimer.setInterval(2s);
    connect(&m_textTimer, &QTimer::timeout, this, &NoteHub::saveTexts);
    m_textTimer.start();
}

NoteHub::~NoteHub()
{
    saveTexts();
}

NoteHub::OpenNote* NoteHub::reachable(const Identity& identity, const NoteRef& ref,
                                      QJsonObject* refused)
{
    const ModuleSpec* spec = RecordSchema::instance().module(ref.module);
    if (!spec || !spec->hasNotesDocument) {
        *refused = refusal(ErrorCode::NoNotes, QStringLiteral("%1 have no notes").arg(ref.module));
        return nullptr;
    }
    const auto record = m_records.find(ref.module, ref.id);
    if (!record || record->deleted || !identity.canSee(record->brokerageId, record->teamId)) {
        *refused = refusal(ErrorCode::NotFound, QStringLiteral("No such record"));
        return nullptr;
    }
    const bool wasOpen = m_open.contains(keyOf(ref.module, ref.id));
    OpenNote* note = open(ref.module, ref.id, record->brokerageId, record->teamId);
    // Another node may have stored what this one has not heard yet (Redis lost it, or it is on
    // its way): a joiner is answered with everything stored.
    if (note && wasOpen && m_cluster)
        catchUp(*note);
    if (!note)
        *refused =
            refusal(ErrorCode::Storage, QStringLiteral("The notes could not be read; try again"));
    return note;
}

NoteHub::OpenNote* NoteHub::open(const QString& module, const QString& id,
                                 const QString& brokerageId, const QString& teamId)
{
    const QString key = keyOf(module, id);
    if (auto found = m_open.find(key); found != m_open.end()) {
        found.value()->teamId = teamId; // a record moved to another team takes its notes along
        return found.value().get();
    }
    const auto stored = m_store.load(module, id);
    if (!stored)
        return nullptr;
    auto note = std::make_shared<OpenNote>();
    note->module = module;
    note->id = id;
    note->brokerageId = brokerageId;
    note->teamId = teamId;
    note->lastSeq = stored->lastSeq;
    note->sinceSnapshot = int(stored->updates.size());
    if (const int refused = stored->applyTo(*note->doc))
        qCWarning(lcSync) << refused << "stored updates of the notes of" << key << "do not apply";
    m_open.insert(key, note);
    return note.get();
}

void NoteHub::handle(SocketIoServerSession* session, const Identity& identity, const QString& event,
                     const QJsonArray& args, qint64 ackId)
{
    const QJsonObject payload = args.isEmpty() ? QJsonObject() : args.first().toObject();
    if (event == events::NoteJoin) {
        join(session, identity, payload, ackId);
    } else if (event == events::NoteUpdate) {
        update(session, identity, payload, ackId);
    } else if (event == events::NoteAwareness) {
        relayAwareness(session, payload, ackId);
    } else if (event == events::NoteLeave) {
        const auto ref = NoteRef::fromJson(payload);
        if (ref.ok())
            if (auto found = m_open.find(keyOf(ref.value().module, ref.value().id));
                found != m_open.end())
                leave(session, *found.value());
        if (ackId >= 0)
            session->sendAck(ackId,
                             {QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}});
    } else if (ackId >= 0) {
        session->sendAck(ackId, {refusal(ErrorCode::UnknownEvent,
                                         QStringLiteral("No such event: %1").arg(event))});
    }
}

void NoteHub::join(SocketIoServerSession* session, const Identity& identity,
                   const QJsonObject& payload, qint64 ackId)
{
    const auto answer = answerTo(session, ackId);
    const auto request = NoteJoin::fromJson(payload);
    if (!request.ok())
        return answer(refusal(request.error()));
    QJsonObject refused;
    OpenNote* note = reachable(identity, request.value().note, &refused);
    if (!note)
        return answer(refused);
    QString bad;
    crdt::StateVector since;
    if (!request.value().stateVector.isEmpty()) {
        const auto decoded = crdt::decodeStateVector(request.value().stateVector, &bad);
        if (!decoded)
            return answer(
                refusal(ErrorCode::BadUpdate, QStringLiteral("stateVector: %1").arg(bad)));
        since = *decoded;
    }
    note->members.insert(session, note->members.value(session));
    note->memberUsers.insert(session, identity.userId);
    note->awareness.expire(nowMs()); // carets not renewed for 30 s are not handed on
    answer(NoteJoined{note->doc->encodeStateAsUpdate(since),
                      crdt::encodeStateVector(note->doc->stateVector()), note->awareness.encode()}
               .toJson());
}

void NoteHub::update(SocketIoServerSession* session, const Identity& identity,
                     const QJsonObject& payload, qint64 ackId)
{
    const auto answer = answerTo(session, ackId);
    const auto request = NoteUpdate::fromJson(payload);
    if (!request.ok())
        return answer(refusal(request.error()));
    const QString key = keyOf(request.value().note.module, request.value().note.id);
    const auto found = m_open.find(key);
    if (found == m_open.end() || !found.value()->members.contains(session))
        return answer(refusal(ErrorCode::NotSubscribed, QStringLiteral("Join the notes first")));
    OpenNote& note = *found.value();
    // Still within reach: a record moved to another team since the join takes its notes along.
    const auto record = m_records.find(note.module, note.id);
    if (!record || record->deleted || !identity.canSee(record->brokerageId, record->teamId)) {
        leave(session, note);
        return answer(refusal(ErrorCode::NotFound, QStringLiteral("No such record")));
    }
    answer(applyTo(note, identity, request.value().update, session));
}

QJsonObject NoteHub::applyTo(OpenNote& note, const Identity& identity, const QByteArray& update,
                             SocketIoServerSession* from)
{
    auto applied = note.doc->apply(update, crdt::TextDocument::Missing::Refuse);
    if (const auto* error = std::get_if<crdt::UpdateError>(&applied);
        error && error->kind == crdt::UpdateError::Kind::MissingHistory && m_cluster &&
        catchUp(note)) {
        // What it builds on may be stored by another node and not heard here yet.
        applied = note.doc->apply(update, crdt::TextDocument::Missing::Refuse);
    }
    if (const auto* error = std::get_if<crdt::UpdateError>(&applied)) {
        if (error->kind != crdt::UpdateError::Kind::MissingHistory)
            return refusal(ErrorCode::BadUpdate, error->message);
        return NoteAck{WireError{ErrorCode::MissingHistory, error->message, {}, {}, {}},
                       crdt::encodeStateVector(note.doc->stateVector())}
            .toJson();
    }
    // Stored before anyone hears of it: an acknowledged edit survives a crash.
    const auto seq =
        m_store.append(note.brokerageId, note.module, note.id, update, identity.actingName());
    if (!seq) {
        // The copy holds what was not stored: read it again, or others would build on it.
        reload(note);
        return refusal(ErrorCode::Storage, QStringLiteral("Not saved; try again"));
    }
    note.textDirty = true;
    sendToOthers(note, from, QString(events::NoteUpdate), update);
    stored(note, *seq, update);
    m_activity.edited(keyOf(note.module, note.id), identity);
    if (++note.sinceSnapshot >= kCompactEvery) {
        note.sinceSnapshot = 0;
        QTimer::singleShot(0, this, [this, key = keyOf(note.module, note.id)] { compact(key); });
    }
    return NoteAck{}.toJson();
}

QJsonObject NoteHub::applyFromRest(const Identity& identity, const NoteRef& ref,
                                   const QByteArray& update)
{
    QJsonObject refused;
    OpenNote* note = reachable(identity, ref, &refused);
    if (!note)
        return refused;
    const QJsonObject result = applyTo(*note, identity, update, nullptr);
    // A script's edit is one act: the activity feed hears of it at once.
    m_activity.settle(keyOf(ref.module, ref.id), currentText(*note));
    closeIfIdle(*note);
    return result;
}

QJsonObject NoteHub::stateFor(const Identity& identity, const NoteRef& ref)
{
    QJsonObject refused;
    OpenNote* note = reachable(identity, ref, &refused);
    if (!note)
        return refused;
    const QJsonObject state{
        {QStringLiteral("status"), QStringLiteral("ok")},
        {QStringLiteral("module"), ref.module},
        {QStringLiteral("id"), ref.id},
        {QStringLiteral("text"), note->doc->text()},
        {QStringLiteral("update"),
         QString::fromLatin1(note->doc->encodeStateAsUpdate().toBase64())},
        {QStringLiteral("stateVector"),
         QString::fromLatin1(crdt::encodeStateVector(note->doc->stateVector()).toBase64())}};
    closeIfIdle(*note);
    return state;
}

void NoteHub::closeIfIdle(OpenNote& note)
{
    if (!note.members.isEmpty())
        return;
    m_activity.settle(keyOf(note.module, note.id), currentText(note));
    if (note.sinceSnapshot >= kCompactEvery / 2)
        compact(keyOf(note.module, note.id));
    if (note.textDirty)
        m_store.saveText(note.module, note.id, note.doc->text(), note.lastSeq);
    m_open.remove(keyOf(note.module, note.id)); // `note` is gone from here on
}

void NoteHub::relayAwareness(SocketIoServerSession* session, const QJsonObject& payload,
                             qint64 ackId)
{
    const auto answer = answerTo(session, ackId);
    const auto request = NoteUpdate::fromJson(payload);
    if (!request.ok())
        return answer(refusal(request.error()));
    const auto found = m_open.find(keyOf(request.value().note.module, request.value().note.id));
    if (found == m_open.end() || !found.value()->members.contains(session))
        return answer(refusal(ErrorCode::NotSubscribed, QStringLiteral("Join the notes first")));
    OpenNote& note = *found.value();
    auto applied = note.awareness.apply(request.value().update, nowMs());
    if (const auto* error = std::get_if<QString>(&applied))
        return answer(refusal(ErrorCode::BadUpdate, *error));
    // The clients this socket speaks for leave with it.
    auto& mine = note.members[session];
    for (quint64 client : std::get<crdt::Awareness::Change>(applied).added)
        mine.push_back(client);
    answer({{QStringLiteral("status"), QStringLiteral("ok")}});
    sendToOthers(note, session, QString(events::NoteAwareness), request.value().update);
    publishCarets(note, request.value().update);
}

void NoteHub::leave(SocketIoServerSession* session, OpenNote& note)
{
    if (!note.members.contains(session))
        return; // a leave from a socket that never joined (or left already) changes nothing
    const auto carets = note.members.value(session);
    const QString userId = note.memberUsers.take(session);
    note.members.remove(session);
    // The last window of a typist left: the stretch in this note ends here.
    if (std::find(note.memberUsers.cbegin(), note.memberUsers.cend(), userId) ==
            note.memberUsers.cend() &&
        !note.members.isEmpty())
        m_activity.settle(keyOf(note.module, note.id), currentText(note));
    if (!carets.empty()) {
        const QByteArray removal = note.awareness.remove(carets);
        sendToOthers(note, nullptr, QString(events::NoteAwareness), removal);
        publishCarets(note, removal);
    }
    closeIfIdle(note);
}

void NoteHub::sessionClosed(SocketIoServerSession* session)
{
    const auto open = m_open.values(); // leave() may drop notes from the table
    for (const auto& note : open)
        if (note->members.contains(session))
            leave(session, *note);
}

void NoteHub::sendToOthers(const OpenNote& note, SocketIoServerSession* except,
                           const QString& event, const QByteArray& bytes)
{
    const QJsonArray args{NoteUpdate{{note.module, note.id}, bytes}.toJson()};
    for (auto it = note.members.cbegin(); it != note.members.cend(); ++it)
        if (it.key() != except)
            it.key()->emitEvent(event, args);
}

QString NoteHub::currentText(OpenNote& note)
{
    if (m_cluster)
        catchUp(note); // another node may have stored more a moment ago
    return note.doc->text();
}

void NoteHub::reload(OpenNote& note)
{
    const auto stored = m_store.load(note.module, note.id);
    if (!stored) {
        qCWarning(lcSync) << "could not read the notes of" << note.module << note.id << "again";
        return;
    }
    note.doc = std::make_unique<crdt::TextDocument>(quint64(0));
    stored->applyTo(*note.doc);
    note.lastSeq = stored->lastSeq;
}

void NoteHub::compact(const QString& key)
{
    const auto found = m_open.find(key);
    if (found == m_open.end())
        return;
    const OpenNote& note = *found.value();
    if (!m_store.compact(note.module, note.id))
        qCWarning(lcSync) << "could not compact the notes of" << key;
}

void NoteHub::saveTexts()
{
    for (const auto& note : std::as_const(m_open)) {
        if (!note->textDirty)
            continue;
        if (m_store.saveText(note->module, note->id, note->doc->text(), note->lastSeq))
            note->textDirty = false;
    }
}

std::optional<QString> NoteHub::plainText(const Identity& reader, const QString& module,
                                          const QString& id)
{
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec || !spec->hasNotesDocument)
        return std::nullopt;
    const auto record = m_records.find(module, id);
    if (!record || record->deleted || !reader.canSee(record->brokerageId, record->teamId))
        return std::nullopt;
    if (const auto found = m_open.find(keyOf(module, id)); found != m_open.end())
        return found.value()->doc->text();
    const auto stored = m_store.load(module, id);
    if (!stored)
        return std::nullopt;
    crdt::TextDocument doc(quint64(0));
    stored->applyTo(doc);
    return doc.text();
}

} // namespace crm
