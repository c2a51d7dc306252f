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
    m_timer.setInterval(m_timings.checkEvery);
    connect(&m_timer, &QTimer::timeout, this, &NoteActivity::settleDue);
    m_timer.start();
}

void NoteActivity::setTimings(Timings timings)
{
    m_timings = timings;
    if (!m_finished)
        m_timer.start(m_timings.checkEvery);
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

void NoteActivity::settle(const QString& key, const QString& text)
{
    const QList<Stretch> stretches = m_open.take(key);
    if (!stretches.isEmpty())
        record(key, stretches, text);
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
        const QList<Stretch>& stretches = m_open[key];
        const bool due = std::any_of(stretches.cbegin(), stretches.cend(), [&](const Stretch& s) {
            return now - s.lastMs >= m_timings.quiet.count() ||
                   now - s.firstMs >= m_timings.longest.count();
        });
        if (!due)
            continue;
        if (const auto text = m_s.textOf(key))
            settle(key, *text);
        else
            m_open.remove(key); // closed without being settled: nothing left to read
    }
}

void NoteActivity::record(const QString& key, const QList<Stretch>& stretches, const QString& text)
{
    const qsizetype slash = key.indexOf(u'/');
    const QString module = key.left(slash);
    const QString id = key.mid(slash + 1);
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    const FieldSpec* field = spec ? spec->field(kNotesTextField) : nullptr;
    if (!field)
        return;
    // The change is made by whoever typed last, named with everyone who typed with them.
    const auto last =
        std::max_element(stretches.cbegin(), stretches.cend(),
                         [](const Stretch& a, const Stretch& b) { return a.lastMs < b.lastMs; });
    Identity who = last->who;
    QStringList names;
    for (const Stretch& stretch : stretches)
        if (!names.contains(stretch.who.actingName()))
            names.append(stretch.who.actingName());
    if (names.size() > 1) {
        names.removeOne(who.actingName());
        names.prepend(who.actingName());
        who.displayName = names.join(QStringLiteral(", "));
        who.agentName.clear(); // each name already says "(AI)" where an agent typed
    }
    const QString value = cut(text, field->maxLength);
    // Twice at most: another node may record the same note a moment before this one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto stored = m_s.records.find(module, id);
        if (!stored || stored->deleted || stored->data.value(field->name).toString() == value)
            return; // gone, or typed and taken back: nothing to tell
        Mutation mutation;
        mutation.module = module;
        mutation.op = Operation::Update;
        mutation.recordId = id;
        mutation.baseVersion = stored->version;
        mutation.fields.insert(field->name, value.isEmpty() ? QJsonValue() : QJsonValue(value));
        const auto outcome = m_s.mutations.apply(who, mutation, MutationService::Writer::Server);
        if (outcome.change)
            m_s.broadcast(*outcome.change);
        if (outcome.result.status != MutationResult::Status::Conflict) {
            if (!outcome.change && outcome.result.status != MutationResult::Status::Applied)
                qCWarning(lcSync) << "the notes text of" << key
                                  << "was not recorded:" << outcome.result.toJson();
            return;
        }
    }
}

} // namespace crm
