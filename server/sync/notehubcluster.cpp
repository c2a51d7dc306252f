// NoteHub's cluster half: a note open on several nodes at once (docs/architecture.md, "Scaling
// out"). Kept apart from notehub.cpp, which is the hub's work with its own sockets.
//
// Each node keeps, per open note, the seq up to which it holds every stored update. An update
// heard over Redis with the next seq is applied and handed on; one further on means a message was
// lost or overtaken, and the gap is read from the database first; one already held is dropped.
// Redis delivers at most once and not at all while it is away, so the open notes' seqs are also
// polled from the database (each second, five times a second while Redis is away). A yjs update
// applies the same however often it comes, so a repeat costs bytes, never text.
#include "protocol/eventnames.h"
#include "server/cluster/busmessage.h"
#include "server/cluster/clusterbus.h"
#include "server/storage/notestore.h"
#include "server/sync/notehub.h"
#include "server/sync/synclogging.h"

#include <QDateTime>

namespace crm {

namespace {

constexpr std::chrono::milliseconds kPollLive{1000};
constexpr std::chrono::milliseconds kPollDegraded{200};

QString base64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray bytesOf(const QJsonValue& value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

} // namespace

void NoteHub::joinCluster(ClusterBus* bus)
{
    m_cluster = bus;
    connect(bus, &ClusterBus::heardFrom, this, &NoteHub::onBusMessage);
    connect(bus, &ClusterBus::liveChanged, this, [this](bool live) {
        m_poll.setInterval(live ? kPollLive : kPollDegraded);
        if (live)
            pollOpenNotes(); // what was missed while away, before what is heard from now on
    });
    connect(&m_poll, &QTimer::timeout, this, &NoteHub::pollOpenNotes);
    m_poll.start(bus->isLive() ? kPollLive : kPollDegraded);
}

void NoteHub::onBusMessage(const BusMessage& message)
{
    if (message.kind == BusMessage::Kind::NoteUpdate)
        heardUpdate(message.body);
    else if (message.kind == BusMessage::Kind::NoteCarets)
        heardCarets(message.body);
}

void NoteHub::stored(OpenNote& note, qint64 seq, const QByteArray& update)
{
    const bool next = seq == note.lastSeq + 1;
    if (next || !m_cluster)
        note.lastSeq = seq;
    if (!m_cluster)
        return;
    m_cluster->publish(BusMessage::Kind::NoteUpdate, {{QStringLiteral("module"), note.module},
                                                      {QStringLiteral("id"), note.id},
                                                      {QStringLiteral("seq"), seq},
                                                      {QStringLiteral("update"), base64(update)}});
    if (!next)
        catchUp(note); // other nodes stored updates in between that this one has not heard
}

void NoteHub::heardUpdate(const QJsonObject& body)
{
    const auto found = m_open.find(body.value(QStringLiteral("module")).toString() + u'/' +
                                   body.value(QStringLiteral("id")).toString());
    if (found == m_open.end())
        return; // read from the database whole when someone here opens it
    OpenNote& note = *found.value();
    const qint64 seq = body.value(QStringLiteral("seq")).toInteger();
    if (seq <= note.lastSeq)
        return; // held already (read from the database while this message was on its way)
    if (seq > note.lastSeq + 1) {
        catchUp(note); // the database has every seq up to this one
        return;
    }
    const QByteArray update = bytesOf(body.value(QStringLiteral("update")));
    if (std::holds_alternative<crdt::UpdateError>(note.doc->apply(update))) {
        qCWarning(lcSync) << "a note update from another node does not apply; reading the log";
        catchUp(note);
        return;
    }
    note.lastSeq = seq;
    note.textDirty = true;
    sendToOthers(note, nullptr, QString(events::NoteUpdate), update);
}

void NoteHub::heardCarets(const QJsonObject& body)
{
    const auto found = m_open.find(body.value(QStringLiteral("module")).toString() + u'/' +
                                   body.value(QStringLiteral("id")).toString());
    if (found == m_open.end())
        return; // carets are renewed every 15 s: a note opened later hears them then
    OpenNote& note = *found.value();
    const QByteArray update = bytesOf(body.value(QStringLiteral("update")));
    if (std::holds_alternative<crdt::Awareness::Change>(
            note.awareness.apply(update, QDateTime::currentMSecsSinceEpoch())))
        sendToOthers(note, nullptr, QString(events::NoteAwareness), update);
}

void NoteHub::publishCarets(const OpenNote& note, const QByteArray& update)
{
    if (m_cluster)
        m_cluster->publish(BusMessage::Kind::NoteCarets,
                           {{QStringLiteral("module"), note.module},
                            {QStringLiteral("id"), note.id},
                            {QStringLiteral("update"), base64(update)}});
}

bool NoteHub::catchUp(OpenNote& note)
{
    const auto stored = m_store.load(note.module, note.id, note.lastSeq);
    if (!stored) {
        qCWarning(lcSync) << "could not read the notes of" << note.module << note.id
                          << "stored by other nodes";
        return false;
    }
    if (stored->lastSeq <= note.lastSeq)
        return true;
    const crdt::StateVector before = note.doc->stateVector();
    const QString textBefore = note.doc->text();
    if (const int refused = stored->applyTo(*note.doc))
        qCWarning(lcSync) << refused << "stored updates of the notes of" << note.module << note.id
                          << "do not apply";
    const bool changed = note.doc->text() != textBefore;
    note.lastSeq = stored->lastSeq;
    note.textDirty = true;
    // One update with all of it (and the whole delete set, so deletions come along too).
    if (changed || note.doc->stateVector() != before)
        sendToOthers(note, nullptr, QString(events::NoteUpdate),
                     note.doc->encodeStateAsUpdate(before));
    return true;
}

void NoteHub::pollOpenNotes()
{
    if (m_open.isEmpty())
        return;
    const auto seqs = m_store.lastSeqs(m_open.keys());
    if (!seqs)
        return;
    const auto open = m_open; // catchUp never closes a note, but keep the walk independent
    for (auto it = open.cbegin(); it != open.cend(); ++it)
        if (seqs->value(it.key()) > it.value()->lastSeq)
            catchUp(*it.value());
}

} // namespace crm
