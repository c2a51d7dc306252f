#include "crdt/textundomanager.h"

#include "crdt/textdocument.h"

#include <algorithm>

namespace crm::crdt {

namespace {

// Steps kept per direction: enough for an afternoon's notes, bounded for a week-long session.
constexpr std::size_t kMaxSteps = 500;

quint64 nextClock(const TextDocument& doc)
{
    const auto vector = doc.stateVector();
    const auto own = vector.find(doc.clientId());
    return own == vector.end() ? 0 : own->second;
}

} // namespace

QByteArray TextUndoManager::insert(qsizetype index, QStringView text, qint64 nowMs)
{
    return replace(index, 0, text, nowMs);
}

QByteArray TextUndoManager::remove(qsizetype index, qsizetype length, qint64 nowMs)
{
    return replace(index, length, {}, nowMs);
}

QByteArray TextUndoManager::replace(qsizetype index, qsizetype length, QStringView text,
                                    qint64 nowMs)
{
    index = std::clamp<qsizetype>(index, 0, m_doc.text().size());
    length = std::clamp<qsizetype>(length, 0, m_doc.text().size() - index);
    Removed removed;
    if (length > 0)
        removed = {m_doc.text().mid(index, length), m_doc.idRanges(index, length),
                   RelativePosition::at(m_doc, index, -1)};
    const quint64 clock = nextClock(m_doc);
    QByteArray update = m_doc.replace(index, length, text);
    if (update.isEmpty())
        return update;
    if (length > 0)
        record(std::move(removed), nowMs);
    if (const quint64 made = nextClock(m_doc) - clock; made > 0)
        record(Inserted{{{m_doc.clientId(), clock}, made}}, nowMs);
    return update;
}

void TextUndoManager::record(Action action, qint64 nowMs)
{
    m_redo.clear();
    const bool joins = m_lastEditMs != kNever && !m_undo.empty() && nowMs >= m_lastEditMs &&
                       nowMs - m_lastEditMs < kCaptureMs;
    if (joins)
        m_undo.back().push_back(std::move(action));
    else
        m_undo.push_back({std::move(action)});
    if (m_undo.size() > kMaxSteps)
        m_undo.erase(m_undo.begin());
    m_lastEditMs = nowMs;
}

TextUndoManager::Outcome TextUndoManager::undo()
{
    return pop(m_undo, m_redo);
}

TextUndoManager::Outcome TextUndoManager::redo()
{
    return pop(m_redo, m_undo);
}

TextUndoManager::Outcome TextUndoManager::pop(std::vector<Step>& from, std::vector<Step>& to)
{
    Outcome outcome;
    stopCapturing();
    // A step whose text others have removed meanwhile does nothing: the next one is taken, so
    // one press always changes something while there is anything to change (as Yjs does).
    while (!from.empty() && outcome.isEmpty()) {
        const Step step = std::move(from.back());
        from.pop_back();
        if (Step inverse = perform(step, outcome); !inverse.empty())
            to.push_back(std::move(inverse));
    }
    if (m_undo.empty() && m_redo.empty())
        m_restored.clear();
    return outcome;
}

TextUndoManager::Step TextUndoManager::perform(const Step& step, Outcome& outcome)
{
    Step inverse;
    for (auto action = step.rbegin(); action != step.rend(); ++action) {
        if (const auto* inserted = std::get_if<Inserted>(&*action))
            performInserted(*inserted, inverse, outcome);
        else
            performRemoved(std::get<Removed>(*action), inverse, outcome);
    }
    return inverse;
}

void TextUndoManager::performInserted(const Inserted& action, Step& inverse, Outcome& outcome)
{
    const auto positions = m_doc.positionsOf(currentIds({action.ids}));
    // From the last run back, so the positions of the earlier ones stay true.
    for (auto run = positions.rbegin(); run != positions.rend(); ++run) {
        const auto [position, length] = *run;
        Removed removed{m_doc.text().mid(position, length), m_doc.idRanges(position, length),
                        RelativePosition::at(m_doc, position, -1)};
        outcome.updates.push_back(m_doc.remove(position, length));
        outcome.changes.push_back({position, length, {}});
        inverse.push_back(std::move(removed));
    }
}

void TextUndoManager::performRemoved(const Removed& action, Step& inverse, Outcome& outcome)
{
    RelativePosition after = action.after;
    if (after.item)
        after.item = followRestored(*after.item);
    const qsizetype position = after.resolve(m_doc).value_or(0);
    const quint64 clock = nextClock(m_doc);
    outcome.updates.push_back(m_doc.insert(position, action.text));
    outcome.changes.push_back({position, 0, action.text});
    const quint64 made = nextClock(m_doc) - clock;
    // The removed characters, in text order, now live on as the new ones.
    quint64 offset = 0;
    for (const IdRange& range : action.ids) {
        if (offset + range.length > made)
            break;
        m_restored.push_back({range, {m_doc.clientId(), clock + offset}});
        offset += range.length;
    }
    inverse.push_back(Inserted{{{m_doc.clientId(), clock}, made}});
}

std::vector<IdRange> TextUndoManager::currentIds(std::vector<IdRange> ranges) const
{
    // Each restored copy is a new range to look at in turn (a chain of undo and redo). Copies
    // always have newer ids than what they restore, so the chain ends.
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const IdRange range = ranges[i];
        for (const Restored& restored : m_restored) {
            if (restored.from.start.client != range.start.client)
                continue;
            const quint64 from = std::max(range.start.clock, restored.from.start.clock);
            const quint64 to = std::min(range.start.clock + range.length,
                                        restored.from.start.clock + restored.from.length);
            if (from < to)
                ranges.push_back(
                    {{restored.now.client, restored.now.clock + (from - restored.from.start.clock)},
                     to - from});
        }
    }
    return ranges;
}

YId TextUndoManager::followRestored(YId id) const
{
    for (std::size_t hops = 0; hops <= m_restored.size(); ++hops) {
        const auto restored =
            std::find_if(m_restored.begin(), m_restored.end(),
                         [&](const Restored& entry) { return entry.from.contains(id); });
        if (restored == m_restored.end())
            break;
        id = {restored->now.client, restored->now.clock + (id.clock - restored->from.start.clock)};
    }
    return id;
}

} // namespace crm::crdt
