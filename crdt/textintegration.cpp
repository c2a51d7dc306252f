// TextDocument's remote half: placing structs that arrive in any order, Yjs's conflict rule for
// concurrent inserts at one place, and deletions of what is held.
#include "crdt/crdtlogging.h"
#include "crdt/textdocument.h"

#include <unordered_set>

namespace crm::crdt {

std::variant<TextChanges, UpdateError> TextDocument::apply(QByteArrayView bytes, Missing missing)
{
    auto decoded = decodeUpdate(bytes, m_root);
    if (auto* error = std::get_if<UpdateError>(&decoded)) {
        qCDebug(lcCrdt) << "refused an update:" << error->message;
        return *error;
    }
    DecodedUpdate& update = std::get<DecodedUpdate>(decoded);
    if (missing == Missing::Refuse) {
        if (const QString lacking = whatIsMissing(update); !lacking.isEmpty())
            return UpdateError{UpdateError::Kind::MissingHistory, lacking};
    }
    Transaction txn;
    txn.local = false;
    txn.before = m_store.stateVector();
    addToPending(update);
    integratePending(txn);
    m_pendingDeletes.add(update.deletes);
    applyPendingDeletes(txn);
    commit(txn);
    if (hasPending())
        qCDebug(lcCrdt) << "structs wait for their causes from" << m_pending.size() << "clients";
    return std::move(txn.changes);
}

QString TextDocument::whatIsMissing(const DecodedUpdate& update) const
{
    // The integration below, on clocks alone: what would stay unplaced.
    StateVector state = m_store.stateVector();
    auto held = [&](const YId& id) {
        const auto found = state.find(id.client);
        return found != state.end() && id.clock < found->second;
    };
    std::map<quint64, size_t> next;
    for (bool progress = true; progress;) {
        progress = false;
        for (const auto& [client, structs] : update.structs) {
            size_t& i = next[client];
            for (; i < structs.size(); ++i) {
                const TextItem& s = structs[i];
                quint64& at = state[client];
                if (s.end() <= at)
                    continue;
                if (s.id.clock > at ||
                    (s.hasOrigin && s.origin.client != client && !held(s.origin)) ||
                    (s.hasRightOrigin && s.rightOrigin.client != client && !held(s.rightOrigin)))
                    break;
                at = s.end();
                progress = true;
            }
        }
    }
    for (const auto& [client, structs] : update.structs)
        if (next[client] < structs.size())
            return QStringLiteral("the update needs history of client %1 before clock %2")
                .arg(client)
                .arg(structs[next[client]].id.clock);
    for (const auto& [client, ranges] : update.deletes.clients())
        for (const DeleteSet::Range& range : ranges)
            if (range.end() > state[client])
                return QStringLiteral("the update deletes clock %1 of client %2, not held")
                    .arg(range.end() - 1)
                    .arg(client);
    return {};
}

void TextDocument::addToPending(DecodedUpdate& update)
{
    for (auto& [client, structs] : update.structs) {
        auto& waiting = m_pending[client];
        for (TextItem& item : structs) {
            // The same start from two updates: the longer covers the shorter.
            auto [at, added] = waiting.try_emplace(item.id.clock, item);
            if (!added && at->second.length < item.length)
                at->second = std::move(item);
        }
    }
}

bool TextDocument::causesHeld(const TextItem& item) const
{
    auto held = [&](const YId& id) {
        return id.client == item.id.client || id.clock < m_store.state(id.client);
    };
    return (!item.hasOrigin || held(item.origin)) &&
           (!item.hasRightOrigin || held(item.rightOrigin));
}

void TextDocument::integratePending(Transaction& txn)
{
    // Places whatever can be placed until nothing moves: a struct needs its own client's
    // history before it and the structs its origins name. Order among clients does not change
    // the result; that is what makes the text converge.
    for (bool progress = true; progress;) {
        progress = false;
        for (auto it = m_pending.rbegin(); it != m_pending.rend(); ++it) {
            auto& waiting = it->second;
            while (!waiting.empty()) {
                TextItem& head = waiting.begin()->second;
                const quint64 state = m_store.state(head.id.client);
                if (head.end() <= state) {
                    waiting.erase(waiting.begin()); // held already: a duplicate
                    continue;
                }
                if (head.id.clock > state || !causesHeld(head))
                    break;
                TextItem item = std::move(head);
                waiting.erase(waiting.begin());
                item.dropFront(state - item.id.clock);
                integrate(std::move(item), txn);
                progress = true;
            }
        }
    }
    std::erase_if(m_pending, [](const auto& entry) { return entry.second.empty(); });
}

void TextDocument::integrate(TextItem item, Transaction& txn)
{
    TextItem* left = item.hasOrigin ? m_store.cleanEnd(item.origin, &txn.touched) : nullptr;
    TextItem* right =
        item.hasRightOrigin ? m_store.cleanStart(item.rightOrigin, &txn.touched) : nullptr;
    if (item.hasOrigin)
        left = m_store.find(item.origin); // the cut for the right origin may have split it
    // Next to collected history the struct has no place any more: it is history too. So is a
    // struct whose right origin is not to the right of its origin: no peer made it, and placing
    // it would depend on what else a document holds, so documents would differ. Every peer
    // holding both origins sees the same order of them, so all turn it into history alike.
    if (item.isGc() || (left && left->isGc()) || (right && right->isGc()) ||
        !isRightOf(right, left)) {
        item.kind = ContentKind::Gc;
        item.deleted = true;
        item.text.clear();
        item.value.clear();
        m_store.append(std::move(item));
        return;
    }
    item.left = left;
    item.right = right;
    item.left = resolveConflicts(item);
    if (item.kind == ContentKind::Deleted) {
        item.deleted = true;
        txn.deletes.add(item.id.client, item.id.clock, item.length);
    } else {
        item.marks = TextItem::InsertedNow;
    }
    TextItem* placed = m_store.append(std::move(item));
    link(placed);
    txn.touched.push_back(placed);
}

bool TextDocument::isRightOf(const TextItem* right, const TextItem* left) const
{
    if (!right || !left)
        return true; // the end is right of everything, everything right of the start
    // Usually the next item; after concurrent inserts, a few further.
    for (const TextItem* o = left->right; o; o = o->right)
        if (o == right)
            return true;
    return false;
}

TextItem* TextDocument::resolveConflicts(TextItem& item)
{
    TextItem* left = item.left;
    TextItem* right = item.right;
    const bool neighbours = left ? left->right == right : (right && !right->left);
    if (neighbours)
        return left;
    // Something was inserted between the origins concurrently. Yjs's rule (YATA): among the
    // items that share this one's origin, the lower client goes first; an item whose origin
    // lies among those already passed belongs to one of them and is passed with it.
    auto sameOrigin = [](const TextItem& a, const TextItem& b) {
        return a.hasOrigin == b.hasOrigin && (!a.hasOrigin || a.origin == b.origin);
    };
    auto sameRightOrigin = [](const TextItem& a, const TextItem& b) {
        return a.hasRightOrigin == b.hasRightOrigin &&
               (!a.hasRightOrigin || a.rightOrigin == b.rightOrigin);
    };
    std::unordered_set<const TextItem*> conflicting;
    std::unordered_set<const TextItem*> beforeOrigin;
    for (TextItem* o = left ? left->right : m_start; o && o != right; o = o->right) {
        beforeOrigin.insert(o);
        conflicting.insert(o);
        if (sameOrigin(item, *o)) {
            if (o->id.client < item.id.client) {
                left = o;
                conflicting.clear();
            } else if (sameRightOrigin(item, *o)) {
                break;
            }
        } else if (const TextItem* oOrigin = o->hasOrigin ? m_store.find(o->origin) : nullptr;
                   oOrigin && beforeOrigin.count(oOrigin)) {
            if (!conflicting.count(oOrigin)) {
                left = o;
                conflicting.clear();
            }
        } else {
            break;
        }
    }
    return left;
}

void TextDocument::applyPendingDeletes(Transaction& txn)
{
    DeleteSet stillWaiting;
    for (const auto& [client, ranges] : m_pendingDeletes.clients()) {
        const quint64 state = m_store.state(client);
        for (const DeleteSet::Range& range : ranges) {
            const quint64 end = std::min(range.end(), state);
            if (range.end() > end)
                stillWaiting.add(client, std::max(range.clock, end),
                                 range.end() - std::max(range.clock, end));
            if (range.clock >= end)
                continue;
            TextItem* item = m_store.find({client, range.clock});
            if (!item->deleted)
                item = m_store.cleanStart({client, range.clock}, &txn.touched);
            while (item && item->id.clock < end) {
                if (!item->deleted) {
                    if (end < item->end())
                        m_store.cleanEnd({client, end - 1}, &txn.touched);
                    deleteItem(item, txn);
                }
                item = m_store.find({client, item->end()});
            }
        }
    }
    stillWaiting.normalize();
    m_pendingDeletes = std::move(stillWaiting);
}

} // namespace crm::crdt
