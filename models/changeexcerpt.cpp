#include "models/changeexcerpt.h"

#include <algorithm>

namespace crm {

namespace {

constexpr int kContext = 12; // code units of unchanged text kept before the change

// Never between the halves of a surrogate pair.
qsizetype backOffSurrogate(const QString& text, qsizetype at)
{
    return at > 0 && at < text.size() && text.at(at).isLowSurrogate() ? at - 1 : at;
}

// Where the word holding `at` begins, when that is near; `at` itself otherwise.
qsizetype wordStart(const QString& text, qsizetype at)
{
    for (qsizetype i = at; i > 0 && at - i < kContext; --i)
        if (text.at(i - 1).isSpace())
            return i;
    return at;
}

QString excerpt(const QString& text, qsizetype from, qsizetype changedEnd, int width)
{
    const qsizetype start =
        backOffSurrogate(text, wordStart(text, std::max<qsizetype>(0, from - kContext)));
    qsizetype end = std::min(text.size(), std::max(changedEnd, start + width));
    end = std::min(end, start + width);
    end = backOffSurrogate(text, end);
    QString shown = text.mid(start, end - start).replace(u'\n', QStringLiteral(" / ")).simplified();
    if (start > 0)
        shown.prepend(u'…');
    if (end < text.size())
        shown.append(u'…');
    return shown;
}

} // namespace

ChangeExcerpt ChangeExcerpt::of(const QString& before, const QString& after, int width)
{
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
    if (!before.isEmpty())
        result.before = excerpt(before, prefix, before.size() - suffix, width);
    if (!after.isEmpty())
        result.after = excerpt(after, prefix, after.size() - suffix, width);
    return result;
}

} // namespace crm
