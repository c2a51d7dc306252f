#include "crdt/textchange.h"

namespace crm::crdt {

void applyChanges(QString& text, const TextChanges& changes)
{
    for (const TextChange& change : changes)
        text.replace(change.position, change.removed, change.inserted);
}

} // namespace crm::crdt
