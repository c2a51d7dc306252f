#pragma once

#include <QString>

namespace crm {

// What changed between two versions of a long text, short enough for one line of a feed: the
// changed part of each with a few words around it, "…" where text was left out, line breaks
// shown as " / ". Used for the notes ("…late; call Tom…" → "…late; call Tom at 5…"). Text only
// added leaves `before` empty and shows the addition ("…late; call Tom at 5…").
struct ChangeExcerpt
{
    QString before;
    QString after;

    static ChangeExcerpt of(const QString& before, const QString& after, int width = 60);
};

} // namespace crm
