#pragma once

#include <QString>
#include <vector>

namespace crm::crdt {

// One edit of a text's characters: at `position` (UTF-16 units, in the text as the edits
// before it in the same list left it), `removed` characters go and `inserted` come. An editor
// applies a list of them in order, so a colleague's caret elsewhere stays where it was.
struct TextChange
{
    qsizetype position = 0;
    qsizetype removed = 0;
    QString inserted;

    bool operator==(const TextChange&) const = default;
};

using TextChanges = std::vector<TextChange>;

// Applies `changes` in order to `text`.
void applyChanges(QString& text, const TextChanges& changes);

} // namespace crm::crdt
