// TextDocument's remote half: placing structs that arrive in any order, Yjs's conflict rule for
// concurrent inserts at one place, and deletions of what is held.
#include "crdt/crdtlogging.h"
#include "crdt/textdocument.h"

#include <unordered_map>
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
        if (auto refusal = refusalOf(update))
            return *refusal;
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

std::optional<UpdateError> TextDocument::refusalOf(const DecodedUpdate& update) const
{
    // The integration below, on clocks alone: what would stay unplaced. A client blocked on
    // another waits in that client's list and is looked at again only once it moved on, so a
    // chain of clients costs its length, not its square.
    const StateVector before = m_store.stateVector();
    StateVector state = before;
    auto held = [&](const YId& id) {
        const auto found = state.find(id.client);
        return found != state.end() && id.clock < found->second;
    };
    std::map<quint64, size_t> next;
    std::map<quint64, std::vector<quint64>> waiters;
    std::vector<quint64> work;
    for (const auto& [client, structs] : update.structs)
        work.push_back(client);
    while (!work.empty()) {
        const quint64 client = work.back();
        work.pop_back();
        const auto& structs = update.structs.at(client);
        size_t& i = next[client];
        bool moved = false;
        for (; i < structs.size(); ++i) {
            const TextItem& s = structs[i];
            quint64& at = state[client];
            if (s.end() <= at)
                continue;
            if (s.id.clock > at)
                break; // its own client's history is missing: nothing here can fill it
            const bool originHeld = !s.hasOrigin || s.origin.client == client || held(s.origin);
            const bool rightHeld =
                !s.hasRightOrigin || s.rightOrigin.client == client || held(s.rightOrigin);
            if (!originHeld || !rightHeld) {
                waiters[originHeld ? s.rightOrigin.client : s.origin.client].push_back(client);
                break;
            }
            at = s.end();
            moved = true;
        }
        if (moved) {
            auto woken = waiters.extract(client);
            if (!woken.empty())
                work.insert(work.end(), woken.mapped().begin(), woken.mapped().end());
        }
    }
    for (const auto& [client, structs] : update.structs)
        if (next[client] < structs.size())
            return UpdateError{UpdateError::Kind::MissingHistory,
                               QStringLiteral("the update needs history of client %1 before "
                                              "clock %2")
                                   .arg(client)
                                   .arg(structs[next[client]].id.clock)};
    for (const auto& [client, ranges] : update.deletes.clients())
        for (const DeleteSet::Range& range : ranges)
            if (range.end() > state[client])
                return UpdateError{UpdateError::Kind::MissingHistory,
                                   QStringLiteral("the update deletes clock %1 of client %2, "
                                                  "not held")
                                       .arg(range.end() - 1)
                                       .arg(client)};
    if (const QString wrong = misplacedOrigins(update, before); !wrong.isEmpty())
        return UpdateError{UpdateError::Kind::Malformed, wrong};
    return std::nullopt;
}

QString TextDocument::misplacedOrigins(const DecodedUpdate& update, const StateVector& held) const
{
    // A right origin must lie right of the origin: no peer makes it otherwise, and yjs would
    // place such a struct where we cannot follow. Checked where both origins were held before
    // the update; one whose origins come with it becomes history when placed (integrate),
    // on every peer of ours alike.
    auto isHeld = [&](const YId& id) {
        const auto found = held.find(id.client);
        return found != held.end() && id.clock < found->second;
    };
    std::unordered_map<const TextItem*, quint64> order; // filled on first need
    for (const auto& [client, structs] : update.structs) {
        for (const TextItem& s : structs) {
            if (!s.hasOrigin || !s.hasRightOrigin || !isHeld(s.origin) || !isHeld(s.rightOrigin))
                continue;
            const TextItem* left = m_store.find(s.origin);
            const TextItem* right = m_store.find(s.rightOrigin);
            if (left->isGc() || right->isGc())
                continue; // becomes history on every peer alike
            bool inOrder =
                left == right ? s.rightOrigin.clock > s.origin.clock : left->right == right;
            if (!inOrder && left != right) {
                if (order.empty()) {
                    quint64 index = 0;
                    for (const TextItem* item = m_start; item; item = item->right)
                        order.emplace(item, index++);
                }
                inOrder = order.at(left) < order.at(right);
            }
            if (!inOrder)
                return QStringLiteral("a struct of client %1 at clock %2 has its right origin "
                                      "left of its origin")
                    .arg(client)
                    .arg(s.id.clock);
        }
    }
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
    // A client blocked on another's history waits in that client's list and is looked at
    // again once it moved on: a chain of clients costs its length, not its square.
    std::map<quint64, std::vector<quint64>> waiters;
    std::vector<quint64> work;
    for (const auto& [client, waiting] : m_pending)
        work.push_back(client);
    while (!work.empty()) {
        const quint64 client = work.back();
        work.pop_back();
        auto& waiting = m_pending[client];
        bool moved = false;
        while (!waiting.empty()) {
            TextItem& head = waiting.begin()->second;
            const quint64 state = m_store.state(client);
            if (head.end() <= state) {
                waiting.erase(waiting.begin()); // held already: a duplicate
                continue;
            }
            if (head.id.clock > state)
                break;
            if (!causesHeld(head)) {
                const bool originHeld = !head.hasOrigin || head.origin.client == client ||
                                        head.origin.clock < m_store.state(head.origin.client);
                waiters[originHeld ? head.rightOrigin.client : head.origin.client].push_back(
                    client);
                break;
            }
            TextItem item = std::move(head);
            waiting.erase(waiting.begin());
            item.dropFront(state - item.id.clock);
            integrate(std::move(item), txn);
            moved = true;
        }
        if (moved) {
            auto woken = waiters.extract(client);
            if (!woken.empty())
                work.insert(work.end(), woken.mapped().begin(), woken.mapped().end());
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
