#include "crdt/textdocument.h"

#include "crdt/binarycoding.h"

#include <algorithm>
#include <QRandomGenerator>

namespace crm::crdt {

namespace {

constexpr quint8 kHasOrigin = 0x80;
constexpr quint8 kHasRightOrigin = 0x40;

void appendChange(TextChanges& changes, qsizetype position, qsizetype removed,
                  const QString& inserted)
{
    if (!changes.empty()) {
        TextChange& last = changes.back();
        if (last.position + last.inserted.size() == position) {
            // Joins a run: an insert after an insert, a removal right after either.
            if (removed == 0 || last.inserted.isEmpty()) {
                last.removed += removed;
                last.inserted += inserted;
                return;
            }
        }
    }
    changes.push_back({position, removed, inserted});
}

} // namespace

TextDocument::TextDocument(quint64 clientId, QString rootName)
    : m_client(clientId), m_root(std::move(rootName))
{}

TextDocument::TextDocument(QString rootName)
    : TextDocument(QRandomGenerator::global()->generate(), std::move(rootName))
{}

QByteArray TextDocument::insert(qsizetype index, QStringView text)
{
    return replace(index, 0, text);
}

QByteArray TextDocument::remove(qsizetype index, qsizetype length)
{
    return replace(index, length, {});
}

QByteArray TextDocument::replace(qsizetype index, qsizetype length, QStringView text)
{
    index = std::clamp<qsizetype>(index, 0, m_text.size());
    length = std::clamp<qsizetype>(length, 0, m_text.size() - index);
    if (length == 0 && text.isEmpty())
        return {};
    Transaction txn;
    txn.before = m_store.stateVector();
    if (length > 0)
        removeAt(index, length, txn);
    if (!text.isEmpty())
        insertAt(index, withoutLoneSurrogates(text), txn);
    return commit(txn);
}

TextDocument::Position TextDocument::positionAt(qsizetype index, Transaction& txn)
{
    Position at{nullptr, m_start};
    auto count = quint64(index);
    while (at.right && count > 0) {
        if (at.right->visible()) {
            if (count < at.right->length)
                m_store.cleanStart({at.right->id.client, at.right->id.clock + count}, &txn.touched);
            count -= at.right->length;
        }
        at.left = at.right;
        at.right = at.right->right;
    }
    return at;
}

void TextDocument::insertAt(qsizetype index, const QString& text, Transaction& txn)
{
    Position at = positionAt(index, txn);
    // Like Yjs, new text goes after the deleted runs that follow the position.
    while (at.right && at.right->deleted) {
        at.left = at.right;
        at.right = at.right->right;
    }
    TextItem item;
    item.id = {m_client, m_store.state(m_client)};
    item.length = quint64(text.size());
    item.kind = ContentKind::String;
    item.text = text;
    if (at.left) {
        item.origin = at.left->lastId();
        item.hasOrigin = true;
    }
    if (at.right) {
        item.rightOrigin = at.right->id;
        item.hasRightOrigin = true;
    }
    item.left = at.left;
    item.right = at.right;
    item.marks = TextItem::InsertedNow;
    TextItem* placed = m_store.append(std::move(item));
    link(placed);
    txn.touched.push_back(placed);
    appendChange(txn.changes, index, 0, text);
}

void TextDocument::removeAt(qsizetype index, qsizetype length, Transaction& txn)
{
    TextItem* item = positionAt(index, txn).right;
    auto remaining = quint64(length);
    for (; item && remaining > 0; item = item->right) {
        if (!item->visible())
            continue;
        if (remaining < item->length)
            m_store.cleanStart({item->id.client, item->id.clock + remaining}, &txn.touched);
        remaining -= item->length;
        deleteItem(item, txn);
    }
    appendChange(txn.changes, index, length - qsizetype(remaining), {});
}

void TextDocument::deleteItem(TextItem* item, Transaction& txn)
{
    if (item->deleted)
        return;
    item->deleted = true;
    item->marks |= TextItem::DeletedNow;
    txn.deletes.add(item->id.client, item->id.clock, item->length);
    txn.touched.push_back(item);
}

void TextDocument::link(TextItem* item)
{
    // item->left is the final left neighbour; the right one is whatever follows it now.
    if (item->left) {
        item->right = item->left->right;
        item->left->right = item;
    } else {
        item->right = m_start;
        m_start = item;
    }
    if (item->right)
        item->right->left = item;
}

QByteArray TextDocument::commit(Transaction& txn)
{
    if (m_store.takeReplacedPair()) {
        // A surrogate pair was cut (at an index inside one): its halves became U+FFFD in
        // place, which no change list of this transaction says, so the text goes whole.
        QString after;
        for (const TextItem* item = m_start; item; item = item->right)
            if (item->visible())
                after += item->shown();
        txn.changes = {{0, m_text.size(), after}};
    } else if (!txn.local) {
        txn.changes = changesOf();
    }
    applyChanges(m_text, txn.changes);

    QByteArray update;
    if (txn.local) {
        BinaryWriter out;
        const quint64 before = txn.before.count(m_client) ? txn.before.at(m_client) : 0;
        const bool wrote = m_store.state(m_client) > before;
        out.writeVarUint(wrote ? 1 : 0);
        if (wrote)
            writeStructs(out, m_client, before);
        txn.deletes.normalize();
        txn.deletes.write(out);
        if (wrote || !txn.deletes.isEmpty())
            update = out.take();
    }
    for (TextItem* item : txn.touched)
        item->marks = TextItem::Unmarked;
    collectGarbage(txn);
    joinRuns(txn);
    return update;
}

TextChanges TextDocument::changesOf() const
{
    TextChanges changes;
    qsizetype position = 0;
    for (const TextItem* item = m_start; item; item = item->right) {
        const bool inserted = item->marks & TextItem::InsertedNow;
        const bool removed = item->marks & TextItem::DeletedNow;
        if (inserted && !removed) {
            const QString shown = item->shown();
            appendChange(changes, position, 0, shown);
            position += shown.size();
        } else if (removed && !inserted && item->countable()) {
            appendChange(changes, position, qsizetype(item->length), {});
        } else if (item->visible()) {
            position += qsizetype(item->length);
        }
    }
    return changes;
}

void TextDocument::collectGarbage(const Transaction& txn)
{
    // Deleted characters keep their place but not their content (Yjs's gc): memory stays
    // proportional to the text and its edits, not to everything ever typed.
    for (TextItem* item : txn.touched)
        if (item->deleted)
            item->forgetContent();
}

void TextDocument::joinRuns(const Transaction& txn)
{
    // Every run the transaction made or cut may join its left neighbour again, and the run
    // after it may join it: tried right to left so chains join whole.
    std::vector<YId> candidates;
    for (const TextItem* item : txn.touched) {
        candidates.push_back(item->id);
        candidates.push_back({item->id.client, item->end()});
    }
    std::sort(candidates.begin(), candidates.end(), [](const YId& a, const YId& b) {
        return a.client != b.client ? a.client > b.client : a.clock > b.clock;
    });
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const YId& id : candidates)
        m_store.tryMergeWithLeft(id);
}

void TextDocument::writeStruct(BinaryWriter& out, const TextItem& item, quint64 offset) const
{
    if (item.isGc()) {
        out.writeUint8(quint8(ContentKind::Gc));
        out.writeVarUint(item.length - offset);
        return;
    }
    const bool hasOrigin = offset > 0 || item.hasOrigin;
    const YId origin = offset > 0 ? YId{item.id.client, item.id.clock + offset - 1} : item.origin;
    out.writeUint8(quint8(item.kind) | (hasOrigin ? kHasOrigin : 0) |
                   (item.hasRightOrigin ? kHasRightOrigin : 0));
    if (hasOrigin) {
        out.writeVarUint(origin.client);
        out.writeVarUint(origin.clock);
    }
    if (item.hasRightOrigin) {
        out.writeVarUint(item.rightOrigin.client);
        out.writeVarUint(item.rightOrigin.clock);
    }
    if (!hasOrigin && !item.hasRightOrigin) {
        out.writeVarUint(1); // the parent is a root type, named
        out.writeVarString(m_root);
    }
    switch (item.kind) {
    case ContentKind::Deleted:
        out.writeVarUint(item.length - offset);
        break;
    case ContentKind::String:
        out.writeVarString(QStringView(item.text).sliced(qsizetype(offset)));
        break;
    case ContentKind::Embed:
        out.writeVarString(item.text);
        break;
    case ContentKind::Format:
        out.writeVarString(item.text);
        out.writeVarString(item.value);
        break;
    case ContentKind::Gc:
        break;
    }
}

void TextDocument::writeStructs(BinaryWriter& out, quint64 client, quint64 from) const
{
    const StructStore::Structs& structs = m_store.clients().at(client);
    auto first = std::partition_point(structs.begin(), structs.end(),
                                      [&](const auto& s) { return s->end() <= from; });
    out.writeVarUint(quint64(structs.end() - first));
    out.writeVarUint(client);
    out.writeVarUint(from);
    for (auto it = first; it != structs.end(); ++it)
        writeStruct(out, **it, it == first ? from - (*it)->id.clock : 0);
}

DeleteSet TextDocument::deleteSetOfStore() const
{
    DeleteSet set;
    for (const auto& [client, structs] : m_store.clients())
        for (const auto& s : structs)
            if (s->deleted)
                set.add(client, s->id.clock, s->length);
    set.normalize();
    return set;
}

QByteArray TextDocument::encodeStateAsUpdate(const StateVector& since) const
{
    BinaryWriter out;
    std::vector<std::pair<quint64, quint64>> wanted; // client, from; highest client first
    for (auto it = m_store.clients().rbegin(); it != m_store.clients().rend(); ++it) {
        const auto known = since.find(it->first);
        const quint64 from = known == since.end() ? 0 : known->second;
        if (m_store.state(it->first) > from)
            wanted.emplace_back(it->first, from);
    }
    out.writeVarUint(wanted.size());
    for (const auto& [client, from] : wanted)
        writeStructs(out, client, from);
    deleteSetOfStore().write(out);
    return out.take();
}

QByteArray TextDocument::pendingUpdate() const
{
    if (!hasPending())
        return {};
    BinaryWriter out;
    out.writeVarUint(m_pending.size());
    for (auto it = m_pending.rbegin(); it != m_pending.rend(); ++it) {
        // Gaps between waiting structs are written as Skip structs, as Yjs merges updates.
        BinaryWriter body;
        quint64 count = 0;
        quint64 cursor = it->second.begin()->first;
        for (const auto& [clock, item] : it->second) {
            if (item.end() <= cursor)
                continue;
            if (clock > cursor) {
                body.writeUint8(10);
                body.writeVarUint(clock - cursor);
                ++count;
            }
            writeStruct(body, item, clock < cursor ? cursor - clock : 0);
            ++count;
            cursor = item.end();
        }
        out.writeVarUint(count);
        out.writeVarUint(it->first);
        out.writeVarUint(it->second.begin()->first);
        out.writeBytes(body.bytes());
    }
    m_pendingDeletes.write(out);
    return out.take();
}

bool TextDocument::isDeleted(YId id) const
{
    const TextItem* item = m_store.find(id);
    return !item || item->deleted;
}

qsizetype TextDocument::positionOf(YId id) const
{
    const TextItem* target = m_store.find(id);
    qsizetype position = 0;
    for (const TextItem* item = m_start; item; item = item->right) {
        if (item == target)
            return position + (item->visible() ? qsizetype(id.clock - item->id.clock) : 0);
        if (item->visible())
            position += qsizetype(item->length);
    }
    return position;
}

std::optional<YId> TextDocument::idAt(qsizetype position) const
{
    for (const TextItem* item = m_start; item; item = item->right) {
        if (!item->visible())
            continue;
        if (position < qsizetype(item->length))
            return YId{item->id.client, item->id.clock + quint64(position)};
        position -= qsizetype(item->length);
    }
    return std::nullopt;
}

std::vector<IdRange> TextDocument::idRanges(qsizetype index, qsizetype length) const
{
    std::vector<IdRange> ranges;
    const qsizetype end = index + length;
    qsizetype position = 0;
    for (const TextItem* item = m_start; item && position < end; item = item->right) {
        if (!item->visible())
            continue;
        const qsizetype itemEnd = position + qsizetype(item->length);
        if (itemEnd > index) {
            const qsizetype from = std::max(index, position);
            const qsizetype to = std::min(end, itemEnd);
            const YId start{item->id.client, item->id.clock + quint64(from - position)};
            IdRange* last = ranges.empty() ? nullptr : &ranges.back();
            if (last && last->start.client == start.client &&
                last->start.clock + last->length == start.clock)
                last->length += quint64(to - from);
            else
                ranges.push_back({start, quint64(to - from)});
        }
        position = itemEnd;
    }
    return ranges;
}

std::vector<std::pair<qsizetype, qsizetype>>
TextDocument::positionsOf(const std::vector<IdRange>& ranges) const
{
    std::vector<std::pair<qsizetype, qsizetype>> positions;
    qsizetype position = 0;
    for (const TextItem* item = m_start; item; item = item->right) {
        if (!item->visible())
            continue;
        for (const IdRange& range : ranges) {
            if (range.start.client != item->id.client)
                continue;
            const quint64 from = std::max(range.start.clock, item->id.clock);
            const quint64 to = std::min(range.start.clock + range.length, item->end());
            if (from >= to)
                continue;
            positions.emplace_back(position + qsizetype(from - item->id.clock),
                                   qsizetype(to - from));
        }
        position += qsizetype(item->length);
    }
    // Ranges that meet one item may come out of order, or overlap, within it.
    std::sort(positions.begin(), positions.end());
    std::vector<std::pair<qsizetype, qsizetype>> joined;
    for (const auto& [at, length] : positions) {
        if (!joined.empty() && joined.back().first + joined.back().second >= at)
            joined.back().second =
                std::max(joined.back().second, at + length - joined.back().first);
        else
            joined.emplace_back(at, length);
    }
    return joined;
}

} // namespace crm::crdt
