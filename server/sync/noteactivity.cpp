#include "server/sync/noteactivity.h"

#include "protocol/recordschema.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/sync/synclogging.h"

#include <QDateTime>

namespace crm {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Keyed by the acting name too: an AI agent typing for Alex is not Alex typing.
bool samePerson(const Identity& a, const Identity& b)
{
    return a.userId == b.userId && a.agentName == b.agentName;
}

// `text` cut to at most `length` code units, never between the halves of a surrogate pair.
QString cut(const QString& text, qsizetype length)
{
    if (text.size() <= length)
        return text;
    qsizetype end = length;
    if (end > 0 && text.at(end - 1).isHighSurrogate())
        --end;
    return text.left(end);
}

} // namespace

NoteActivity::NoteActivity(Services services, QObject* parent)
    : QObject(parent), m_s(std::move(services))
{
    m_timer.setInterval(std::chrono::seconds(5));
    connect(&m_timer, &QTimer::timeout, this, &NoteActivity::settleDue);
    m_timer.start();
}

NoteActivity::~NoteActivity() = default;

void NoteActivity::edited(const QString& key, const Identity& who)
{
    if (m_finished)
        return;
    const qint64 now = nowMs();
    auto& stretches = m_open[key];
    for (auto& stretch : stretches) {
        if (samePerson(stretch.who, who)) {
            stretch.lastMs = now;
            return;
        }
    }
    stretches.append({who, now, now});
}

void NoteActivity::settle(const QString& key, const QString& text, const QString& userId)
{
    const auto found = m_open.find(key);
    if (found == m_open.end())
        return;
    QList<Stretch> done;
    found.value().removeIf([&](const Stretch& stretch) {
        if (!userId.isEmpty() && stretch.who.userId != userId)
            return false;
        done.append(stretch);
        return true;
    });
    if (found.value().isEmpty())
        m_open.erase(found);
    for (const Stretch& stretch : std::as_const(done))
        record(key, stretch.who, text);
}

void NoteActivity::finish()
{
    const auto keys = m_open.keys();
    for (const QString& key : keys)
        if (const auto text = m_s.textOf(key))
            settle(key, *text);
    m_open.clear();
    m_timer.stop();
    m_finished = true;
}

void NoteActivity::settleDue()
{
    const qint64 now = nowMs();
    const auto keys = m_open.keys();
    for (const QString& key : keys) {
        const auto text = m_s.textOf(key);
        QList<Stretch>& stretches = m_open[key];
        QList<Identity> due;
        for (auto it = stretches.begin(); it != stretches.end();) {
            const bool quiet = now - it->lastMs >= kQuiet.count();
            if (text && (quiet || now - it->firstMs >= kLongest.count()))
                due.append(it->who);
            if (!text || quiet) {
                it = stretches.erase(it); // a note closed unsettled has nothing left to read
                continue;
            }
            if (now - it->firstMs >= kLongest.count())
                it->firstMs = now; // still typing: recorded, and a new stretch begins
            ++it;
        }
        if (stretches.isEmpty())
            m_open.remove(key);
        for (const Identity& who : std::as_const(due))
            record(key, who, *text);
    }
}

void NoteActivity::record(const QString& key, const Identity& who, const QString& text)
{
    const qsizetype slash = key.indexOf(u'/');
    const QString module = key.left(slash);
    const QString id = key.mid(slash + 1);
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    const FieldSpec* field = spec ? spec->field(kNotesTextField) : nullptr;
    const auto stored = m_s.records.find(module, id);
    if (!field || !stored || stored->deleted)
        return;
    const QString value = cut(text, field->maxLength);
    if (stored->data.value(field->name).toString() == value)
        return; // typed and taken back: nothing to tell
    Mutation mutation;
    mutation.module = module;
    mutation.op = Operation::Update;
    mutation.recordId = id;
    mutation.baseVersion = stored->version;
    mutation.fields.insert(field->name, value.isEmpty() ? QJsonValue() : QJsonValue(value));
    const auto outcome = m_s.mutations.apply(who, mutation, MutationService::Writer::Server);
    if (outcome.change)
        m_s.broadcast(*outcome.change);
    else if (outcome.result.status != MutationResult::Status::Applied)
        qCWarning(lcSync) << "the notes text of" << key
                          << "was not recorded:" << outcome.result.toJson();
}

} // namespace crm
