#include "models/changeexcerpt.h"

#include <algorithm>

namespace crm {

namespace {

constexpr qsizetype kContext = 12; // code units of unchanged text kept before a change

// Never between the halves of a surrogate pair.
qsizetype backOffSurrogate(const QString& text, qsizetype at)
{
    return at > 0 && at < text.size() && text.at(at).isLowSurrogate() ? at - 1 : at;
}

// Where the word holding `at` begins, when that is near; `at` itself at a word's edge.
qsizetype wordStart(const QString& text, qsizetype at)
{
    if (at >= text.size() || text.at(at).isSpace())
        return at;
    for (qsizetype i = at; i > 0 && at - i < kContext; --i)
        if (text.at(i - 1).isSpace())
            return i;
    return at;
}

// `width` code units of `text` from a little before `from`, on one line.
QString excerpt(const QString& text, qsizetype from, qsizetype context, int width)
{
    const qsizetype start =
        backOffSurrogate(text, wordStart(text, std::max<qsizetype>(0, from - context)));
    const qsizetype end = backOffSurrogate(text, std::min(text.size(), start + width));
    QString shown = text.mid(start, end - start).replace(u'\n', QStringLiteral(" / ")).simplified();
    if (shown.startsWith(QStringLiteral("/ ")))
        shown.remove(0, 2); // the change begins a line
    if (start > 0)
        shown.prepend(u'…');
    if (end < text.size())
        shown.append(u'…');
    return shown;
}

} // namespace

ChangeExcerpt ChangeExcerpt::of(const QString& before, const QString& after, int width)
{
    if (before == after)
        return {};
    const qsizetype shorter = std::min(before.size(), after.size());
    qsizetype prefix = 0;
    while (prefix < shorter && before.at(prefix) == after.at(prefix))
        ++prefix;
    prefix = backOffSurrogate(before, prefix);
    qsizetype suffix = 0;
    while (suffix < shorter - prefix &&
           before.at(before.size() - 1 - suffix) == after.at(after.size() - 1 - suffix))
        ++suffix;
    ChangeExcerpt result;
    if (prefix + suffix == before.size()) {
        // Only added: the old text says nothing new. What was added, with the words before it
        // unless it begins a line.
        const bool startsLine =
            prefix == 0 || after.at(prefix) == u'\n' || after.at(prefix - 1) == u'\n';
        result.after = excerpt(after, prefix, startsLine ? 0 : kContext, width);
        return result;
    }
    result.before = excerpt(before, prefix, kContext, width);
    if (!after.isEmpty())
        result.after = excerpt(after, prefix, kContext, width);
    return result;
}

} // namespace crm
