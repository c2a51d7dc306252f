#include "crdt/structstore.h"

namespace crm::crdt {

quint64 StructStore::state(quint64 client) const
{
    const auto found = m_clients.find(client);
    return found == m_clients.end() || found->second.empty() ? 0 : found->second.back()->end();
}

StateVector StructStore::stateVector() const
{
    StateVector vector;
    for (const auto& [client, structs] : m_clients)
        if (!structs.empty())
            vector.emplace(client, structs.back()->end());
    return vector;
}

quint64 StructStore::structCount() const
{
    quint64 count = 0;
    for (const auto& [client, structs] : m_clients)
        count += structs.size();
    return count;
}

StructStore::Structs* StructStore::structsOf(quint64 client)
{
    const auto found = m_clients.find(client);
    return found == m_clients.end() ? nullptr : &found->second;
}

size_t StructStore::indexOf(const Structs& structs, quint64 clock)
{
    // Clocks are contiguous: guess by proportion first (typing makes even runs), then bisect.
    size_t low = 0;
    size_t high = structs.size() - 1;
    const quint64 last = structs.back()->end();
    size_t mid = last == 0 ? 0 : size_t(double(clock) / double(last) * double(high));
    while (low <= high) {
        const TextItem& s = *structs[mid];
        if (clock < s.id.clock)
            high = mid - 1;
        else if (clock >= s.end())
            low = mid + 1;
        else
            return mid;
        mid = (low + high) / 2;
    }
    return structs.size(); // not reached for a held clock
}

TextItem* StructStore::find(YId id) const
{
    const auto found = m_clients.find(id.client);
    if (found == m_clients.end() || found->second.empty() ||
        id.clock >= found->second.back()->end())
        return nullptr;
    return found->second[indexOf(found->second, id.clock)].get();
}

TextItem* StructStore::cutAt(quint64 client, size_t index, quint64 offset,
                             std::vector<TextItem*>* cut)
{
    Structs& structs = m_clients[client];
    TextItem* left = structs[index].get();
    auto rest = std::make_unique<TextItem>(left->splitOff(offset, &m_replacedPair));
    TextItem* right = rest.get();
    right->left = left;
    right->right = left->right;
    if (right->right)
        right->right->left = right;
    left->right = right;
    structs.insert(structs.begin() + qsizetype(index) + 1, std::move(rest));
    if (cut)
        cut->push_back(right);
    return right;
}

TextItem* StructStore::cleanStart(YId id, std::vector<TextItem*>* cut)
{
    Structs& structs = *structsOf(id.client);
    const size_t index = indexOf(structs, id.clock);
    TextItem* item = structs[index].get();
    if (item->id.clock == id.clock || item->isGc())
        return item;
    return cutAt(id.client, index, id.clock - item->id.clock, cut);
}

TextItem* StructStore::cleanEnd(YId id, std::vector<TextItem*>* cut)
{
    Structs& structs = *structsOf(id.client);
    const size_t index = indexOf(structs, id.clock);
    TextItem* item = structs[index].get();
    if (id.clock + 1 != item->end() && !item->isGc())
        cutAt(id.client, index, id.clock + 1 - item->id.clock, cut);
    return item;
}

TextItem* StructStore::append(TextItem item)
{
    Structs& structs = m_clients[item.id.client];
    structs.push_back(std::make_unique<TextItem>(std::move(item)));
    return structs.back().get();
}

void StructStore::tryMergeWithLeft(YId id)
{
    Structs* structs = structsOf(id.client);
    if (!structs || structs->empty() || id.clock >= structs->back()->end())
        return;
    const size_t index = indexOf(*structs, id.clock);
    if (index == 0)
        return;
    TextItem& left = *(*structs)[index - 1];
    const TextItem& right = *(*structs)[index];
    if (!left.canAbsorb(right))
        return;
    left.absorb(right);
    structs->erase(structs->begin() + qsizetype(index));
}

} // namespace crm::crdt
