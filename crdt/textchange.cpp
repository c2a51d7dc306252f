#include "crdt/textchange.h"

#include <algorithm>

namespace crm::crdt {

void applyChanges(QString& text, const TextChanges& changes)
{
    const bool ordered = std::is_sorted(
        changes.begin(), changes.end(),
        [](const TextChange& a, const TextChange& b) { return a.position < b.position; });
    if (changes.size() < 8 || !ordered) {
        for (const TextChange& change : changes)
            text.replace(change.position, change.removed, change.inserted);
        return;
    }
    // Many changes (a merge of long offline work): one pass, not one move of the tail each.
    QString result;
    result.reserve(text.size());
    qsizetype from = 0; // in the old text
    for (const TextChange& change : changes) {
        const qsizetype keep = change.position - result.size();
        result += QStringView(text).sliced(from, keep);
        result += change.inserted;
        from += keep + change.removed;
    }
    result += QStringView(text).sliced(from);
    text = std::move(result);
}

} // namespace crm::crdt
