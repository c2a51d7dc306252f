#include "core/notesession.h"

#include "core/corelogging.h"
#include "core/notestore.h"
#include "crdt/relativeposition.h"
#include "protocol/eventnames.h"
#include "realtime/connectionmanager.h"

#include <QDateTime>
#include <QJsonArray>
#include <QPointer>

namespace crm {

namespace {

// The store folds a note's log into its state after this many updates, and on close.
constexpr int kFoldEvery = 200;
// A colleague counts as typing this long after their last text arrived.
constexpr qint64 kTypingMs = 3000;
constexpr int kAwarenessDelayMs = 100;
// While the agent types, the caret follows the text and colleagues place it themselves: it is
// sent once typing pauses this long (web editors, which do not place it, catch up then).
constexpr int kTypingCaretDelayMs = 1000;
constexpr int kTickMs = 1000;
// A join or an update the server did not answer, or refused for a passing reason, is tried
// again this soon while the link stays up.
constexpr int kRetryMs = 5000;
// A paste longer than this goes as several updates, each well inside NoteUpdate::kMaxBytes
// (at most 3 UTF-8 bytes per UTF-16 unit).
constexpr qsizetype kInsertChunk = 60000;

// Refusals that stand until something changes on the server (the record's reach): the note
// turns read-only. Any other refusal is a passing one.
bool isLasting(ErrorCode code)
{
    return code == ErrorCode::NotFound || code == ErrorCode::Forbidden ||
           code == ErrorCode::NoNotes;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

NoteSession::NoteSession(NoteRef note, Author author, ConnectionManager& link, NoteStore& store,
                         QObject* parent)
    : QObject(parent), m_note(std::move(note)), m_author(std::move(author)), m_link(link),
      m_store(store), m_undo(m_doc), m_awareness(m_doc.clientId())
{
    // The profile's copy first: the note shows at once, offline too. A fresh client id each
    // time (as Yjs does), so no two sessions ever write under one id.
    const NoteStore::Saved saved = m_store.load(m_note);
    if (!saved.state.isEmpty())
        applyRemote(saved.state, true);
    for (const QByteArray& update : saved.updates)
        applyRemote(update, true);
    m_lastSeq = saved.lastSeq;
    m_sinceFold = int(saved.updates.size());
    m_unsent = saved.unsent;

    m_awarenessDelay.setSingleShot(true);
    m_awarenessDelay.setInterval(kAwarenessDelayMs);
    connect(&m_awarenessDelay, &QTimer::timeout, this, &NoteSession::sendAwareness);
    m_retry.setSingleShot(true);
    m_retry.setInterval(kRetryMs);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (m_link.state() == ConnectionState::Online && m_sync != Sync::Refused &&
            (m_sync != Sync::Live || m_unsent > 0))
            join();
    });
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &NoteSession::tick);
    m_ticker.start();

    connect(&m_link, &ConnectionManager::stateChanged, this, &NoteSession::onLinkState);
    connect(&m_link, &ConnectionManager::eventReceived, this,
            [this](const QString& event, const QJsonArray& args) {
                if (event == events::NoteUpdate || event == events::NoteAwareness)
                    onEvent(event, args);
            });
    if (m_link.state() == ConnectionState::Online)
        join();
}

NoteSession::~NoteSession()
{
    foldIfDue(true);
    if (m_sync == Sync::Live) {
        // Colleagues drop this window's caret at once rather than after 30 s.
        m_link.emitEvent(QString(events::NoteLeave), {m_note.toJson()});
    }
}

bool NoteSession::edit(qsizetype position, qsizetype removed, const QString& inserted)
{
    if (m_sync == Sync::Refused)
        return false;
    // A long paste goes in pieces, each an update small enough for one event; one undo step.
    const qint64 now = nowMs();
    qsizetype at = 0;
    do {
        qsizetype length = std::min(kInsertChunk, inserted.size() - at);
        if (at + length < inserted.size() && inserted.at(at + length - 1).isHighSurrogate())
            --length; // never between the halves of a pair
        const QByteArray update = m_undo.replace(position + at, at == 0 ? removed : 0,
                                                 QStringView(inserted).mid(at, length), now);
        if (!update.isEmpty())
            commitLocal(update);
        at += length;
    } while (at < inserted.size());
    m_afterOwnInsert = inserted.isEmpty() ? -1 : position + inserted.size();
    m_ownEditMs = now;
    emit undoStateChanged();
    return true;
}

void NoteSession::undo()
{
    if (m_sync != Sync::Refused)
        commitUndo(m_undo.undo());
}

void NoteSession::redo()
{
    if (m_sync != Sync::Refused)
        commitUndo(m_undo.redo());
}

void NoteSession::commitUndo(const crdt::TextUndoManager::Outcome& outcome)
{
    for (const QByteArray& update : outcome.updates)
        commitLocal(update);
    if (!outcome.changes.empty())
        emit textChanged(outcome.changes, true); // the editor did not make these itself
    emit undoStateChanged();
}

void NoteSession::commitLocal(const QByteArray& update)
{
    // Logged before it is sent: a crash between the two loses nothing.
    const qint64 seq = m_store.append(m_note, update, true);
    if (seq == 0) {
        qCWarning(lcNotes) << "could not keep an edit of the notes of" << m_note.module << m_note.id
                           << "in the profile";
        m_problem = tr("This edit could not be saved on this computer");
    } else {
        m_lastSeq = seq;
        ++m_sinceFold;
        setUnsent(m_unsent + 1);
    }
    if (m_sync == Sync::Live)
        send(update, seq, seq);
    foldIfDue();
}

void NoteSession::send(const QByteArray& update, qint64 fromSeq, qint64 toSeq)
{
    if (update.size() > NoteUpdate::kMaxBytes) {
        // Only a profile's log from an older version holds such an update: kept, and said.
        qCWarning(lcNotes) << "an update of" << update.size() << "bytes is too large to send";
        m_problem = tr("An edit is too large to send; it is kept on this computer");
        emit syncChanged(m_sync);
        return;
    }
    m_link.emitWithAck(QString(events::NoteUpdate), {NoteUpdate{m_note, update}.toJson()},
                       [this, self = QPointer(this), epoch = m_linkEpoch, fromSeq,
                        toSeq](const AckOutcome& outcome) {
                           if (self && epoch == m_linkEpoch)
                               onUpdateAck(outcome, fromSeq, toSeq);
                       });
}

void NoteSession::onUpdateAck(const AckOutcome& outcome, qint64 fromSeq, qint64 toSeq)
{
    if (!outcome.ok()) {
        // The link dropped (the next link joins again) or the server was slow: try again.
        m_retry.start();
        return;
    }
    auto ack = NoteAck::fromJson(outcome.args.first().toObject());
    if (!ack.ok()) {
        qCWarning(lcNotes) << "an unreadable answer to note:update:" << ack.error().describe();
        return;
    }
    if (ack.value().ok()) {
        if (fromSeq > 0 && m_store.markSent(m_note, fromSeq, toSeq))
            setUnsent(m_store.unsentCount(m_note));
        if (!m_problem.isEmpty()) {
            m_problem.clear();
            emit syncChanged(m_sync);
        }
        return;
    }
    const WireError& error = *ack.value().error;
    if (error.code == ErrorCode::MissingHistory) {
        // An earlier update never reached it: send everything it lacks, this one included.
        sendWhatServerLacks(ack.value().stateVector);
    } else if (isLasting(error.code)) {
        setSync(Sync::Refused, error.message);
    } else {
        // Kept unsent and said. Storage trouble, rate limits and a lost join pass: tried again
        // soon. An update the server cannot read would be refused again: the next link tries.
        qCWarning(lcNotes) << "note:update refused:" << error.describe();
        m_problem = error.message;
        emit syncChanged(m_sync);
        if (error.code != ErrorCode::BadUpdate)
            m_retry.start();
    }
}

void NoteSession::sendWhatServerLacks(const QByteArray& serverVector)
{
    const auto vector = crdt::decodeStateVector(serverVector);
    if (!vector) {
        qCWarning(lcNotes) << "the server's state vector cannot be read";
        return;
    }
    const QByteArray update = m_doc.encodeStateAsUpdate(*vector);
    // Deletions do not show in a state vector: unsent ones are why this goes out anyway.
    bool lacks = m_unsent > 0;
    for (const auto& [client, clock] : m_doc.stateVector()) {
        const auto held = vector->find(client);
        lacks = lacks || held == vector->end() || held->second < clock;
    }
    if (!lacks)
        return;
    if (update.size() <= NoteUpdate::kMaxBytes) {
        send(update, 1, m_lastSeq);
        return;
    }
    // A long offline stretch: its edits one by one, in the order they were made (each needs
    // only the ones before it, so the server takes them in turn).
    for (const auto& [seq, edit] : m_store.unsentUpdates(m_note))
        send(edit, seq, seq);
}

void NoteSession::onLinkState()
{
    ++m_linkEpoch; // answers of the old link are no longer this session's business
    if (m_link.state() == ConnectionState::Online) {
        join(); // a read-only note too: the record may be back in reach
        return;
    }
    m_retry.stop();
    if (m_sync == Sync::Refused)
        return;
    // Colleagues' carets stood for a link that is gone; they come back with the next join.
    std::vector<quint64> others;
    for (const auto& [client, state] : m_awareness.states())
        if (client != m_awareness.clientId())
            others.push_back(client);
    if (!others.empty()) {
        m_awareness.remove(others);
        emit caretsChanged();
    }
    setSync(Sync::Offline);
}

void NoteSession::join()
{
    setSync(Sync::Joining);
    const NoteJoin request{m_note, crdt::encodeStateVector(m_doc.stateVector())};
    m_link.emitWithAck(
        QString(events::NoteJoin), {request.toJson()},
        [this, self = QPointer(this), epoch = m_linkEpoch](const AckOutcome& outcome) {
            if (self && epoch == m_linkEpoch)
                onJoined(outcome);
        });
}

void NoteSession::onJoined(const AckOutcome& outcome)
{
    if (!outcome.ok()) {
        // The link dropped (the next link joins again) or the server was slow: try again.
        setSync(Sync::Offline);
        m_retry.start();
        return;
    }
    const QJsonObject answer = outcome.args.first().toObject();
    if (answer.value(QStringLiteral("status")).toString() != QLatin1String("ok")) {
        auto refused = NoteAck::fromJson(answer);
        const std::optional<WireError> error =
            refused.ok() ? refused.value().error : std::optional<WireError>();
        const QString why = error ? error->message : tr("The server refused");
        qCInfo(lcNotes) << "note:join refused:" << why;
        if (error && isLasting(error->code)) {
            setSync(Sync::Refused, why);
        } else {
            setSync(Sync::Offline, why); // a passing refusal: edits stay here, tried again soon
            m_retry.start();
        }
        return;
    }
    auto joined = NoteJoined::fromJson(answer);
    if (!joined.ok()) {
        qCWarning(lcNotes) << "an unreadable answer to note:join:" << joined.error().describe();
        setSync(Sync::Offline, tr("The server's answer could not be read"));
        return;
    }
    if (!joined.value().update.isEmpty()) {
        if (const qint64 seq = m_store.append(m_note, joined.value().update, false); seq > 0) {
            m_lastSeq = seq;
            ++m_sinceFold;
        }
        applyRemote(joined.value().update, true);
    }
    if (!joined.value().awareness.isEmpty())
        applyAwareness(joined.value().awareness);
    setSync(Sync::Live);
    sendWhatServerLacks(joined.value().stateVector);
    if (m_anchor)
        sendAwareness();
}

void NoteSession::onEvent(const QString& event, const QJsonArray& args)
{
    auto message = NoteUpdate::fromJson(args.isEmpty() ? QJsonObject() : args.first().toObject());
    if (!message.ok()) {
        qCWarning(lcNotes) << "ignoring a malformed" << event << message.error().describe();
        return;
    }
    if (message.value().note != m_note || m_sync != Sync::Live)
        return;
    if (event == events::NoteUpdate) {
        // Kept before it is shown: a restart offline shows what was seen.
        if (const qint64 seq = m_store.append(m_note, message.value().update, false); seq > 0) {
            m_lastSeq = seq;
            ++m_sinceFold;
        }
        applyRemote(message.value().update, false);
        foldIfDue();
    } else {
        applyAwareness(message.value().update);
    }
}

void NoteSession::applyRemote(const QByteArray& update, bool fromJoin)
{
    const crdt::StateVector before = m_doc.stateVector();
    auto applied = m_doc.apply(update);
    if (const auto* error = std::get_if<crdt::UpdateError>(&applied)) {
        qCWarning(lcNotes) << "a note update that does not apply:" << error->message;
        return;
    }
    const crdt::TextChanges& changes = std::get<crdt::TextChanges>(applied);
    if (changes.empty())
        return;
    if (!fromJoin) {
        // Whose text this was: the clients whose history grew are typing, their newest
        // character last.
        const qint64 now = nowMs();
        for (const auto& [client, clock] : m_doc.stateVector()) {
            const auto held = before.find(client);
            if (held == before.end() || held->second < clock)
                m_typed.insert(client, {now, crdt::YId{client, clock - 1}});
        }
    }
    emit textChanged(changes, false);
    emit caretsChanged(); // carets keep to their characters: where they are moved
}

void NoteSession::applyAwareness(const QByteArray& update)
{
    auto applied = m_awareness.apply(update, nowMs());
    if (const auto* why = std::get_if<QString>(&applied)) {
        qCWarning(lcNotes) << "ignoring a malformed awareness update:" << *why;
        return;
    }
    const crdt::Awareness::Change& change = std::get<crdt::Awareness::Change>(applied);
    const qint64 now = nowMs();
    for (const auto& clients : {change.added, change.updated})
        for (quint64 client : clients)
            m_caretHeardMs.insert(client, now);
    if (!change.isEmpty())
        emit caretsChanged();
}

void NoteSession::setCaret(qsizetype anchor, qsizetype head)
{
    const auto anchorAt = crdt::RelativePosition::at(m_doc, anchor);
    const auto headAt = crdt::RelativePosition::at(m_doc, head);
    if (anchorAt == m_anchor && headAt == m_head)
        return;
    m_anchor = anchorAt;
    m_head = headAt;
    const bool followsTyping =
        anchor == head && head == m_afterOwnInsert && nowMs() - m_ownEditMs < kTypingCaretDelayMs;
    if (followsTyping)
        m_awarenessDelay.start(kTypingCaretDelayMs); // again at each key: sent when typing pauses
    else if (!m_awarenessDelay.isActive() || m_awarenessDelay.remainingTime() > kAwarenessDelayMs)
        m_awarenessDelay.start(kAwarenessDelayMs);
}

void NoteSession::sendAwareness()
{
    if (!m_anchor || !m_head)
        return;
    const QJsonObject state{
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("name"), m_author.name},
                                             {QStringLiteral("color"), m_author.color},
                                             {QStringLiteral("id"), m_author.userId}}},
        {QStringLiteral("cursor"),
         QJsonObject{{QStringLiteral("anchor"), m_anchor->toJson(m_doc.rootName())},
                     {QStringLiteral("head"), m_head->toJson(m_doc.rootName())}}}};
    const QByteArray update = m_awareness.setLocalState(state, nowMs());
    if (m_sync == Sync::Live)
        m_link.emitEvent(QString(events::NoteAwareness), {NoteUpdate{m_note, update}.toJson()});
}

QList<NoteSession::Caret> NoteSession::carets() const
{
    QList<Caret> carets;
    const qint64 now = nowMs();
    for (const auto& [client, state] : m_awareness.states()) {
        if (client == m_awareness.clientId() || !state.isObject())
            continue;
        const QJsonObject user = state[QStringLiteral("user")].toObject();
        const QJsonObject cursor = state[QStringLiteral("cursor")].toObject();
        const auto anchor =
            crdt::RelativePosition::fromJson(cursor[QStringLiteral("anchor")], m_doc.rootName());
        const auto head =
            crdt::RelativePosition::fromJson(cursor[QStringLiteral("head")], m_doc.rootName());
        // A caret in text not yet here (its update is on its way) shows once the text does.
        const Typed typed = m_typed.value(client);
        qsizetype at = -1;
        qsizetype to = -1;
        if (typed.atMs > m_caretHeardMs.value(client) && !m_doc.isDeleted(typed.lastCharacter)) {
            // Typed since their caret came: it is after the last character they typed.
            at = to = m_doc.positionOf(typed.lastCharacter) + 1;
        } else if (anchor && head) {
            at = anchor->resolve(m_doc).value_or(-1);
            to = head->resolve(m_doc).value_or(-1);
        }
        if (at < 0 || to < 0)
            continue;
        Caret caret;
        caret.client = client;
        caret.name = user[QStringLiteral("name")].toString();
        if (caret.name.isEmpty())
            caret.name = tr("Someone");
        caret.color = user[QStringLiteral("color")].toString();
        caret.userId = user[QStringLiteral("id")].toString();
        caret.anchor = at;
        caret.head = to;
        caret.typing = typed.atMs > 0 && now - typed.atMs < kTypingMs;
        carets.append(caret);
    }
    return carets;
}

QStringList NoteSession::typing() const
{
    QStringList names;
    for (const Caret& caret : carets())
        if (caret.typing && !names.contains(caret.name))
            names.append(caret.name);
    return names;
}

void NoteSession::tick()
{
    const qint64 now = nowMs();
    bool changed = !m_awareness.expire(now).isEmpty();
    // "is typing" ends on its own, without an event (the caret stays where the text put it
    // until their next caret comes).
    for (const Typed& typed : std::as_const(m_typed)) {
        if (typed.atMs > 0 && now - typed.atMs >= kTypingMs &&
            now - typed.atMs < kTypingMs + kTickMs)
            changed = true;
    }
    if (changed)
        emit caretsChanged();
    if (m_sync == Sync::Live)
        if (const QByteArray renewal = m_awareness.renewIfDue(now); !renewal.isEmpty())
            m_link.emitEvent(QString(events::NoteAwareness),
                             {NoteUpdate{m_note, renewal}.toJson()});
}

void NoteSession::foldIfDue(bool now)
{
    if (m_lastSeq == 0 || (!now && m_sinceFold < kFoldEvery) || m_sinceFold == 0)
        return;
    QByteArray state = m_doc.encodeStateAsUpdate();
    if (m_doc.hasPending()) // kept too: what waits for its causes is not lost on a restart
        m_store.append(m_note, m_doc.pendingUpdate(), false);
    if (m_store.fold(m_note, state, m_lastSeq))
        m_sinceFold = 0;
}

void NoteSession::setSync(Sync sync, const QString& problem)
{
    if (sync == m_sync && problem == m_problem)
        return;
    m_sync = sync;
    m_problem = problem;
    emit syncChanged(sync);
}

void NoteSession::setUnsent(int unsent)
{
    if (unsent == m_unsent)
        return;
    m_unsent = unsent;
    emit unsentChanged(unsent);
}

} // namespace crm
