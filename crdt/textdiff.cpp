#include "crdt/textdiff.h"

#include <QStringList>
#include <utility>
#include <vector>

namespace crm::crdt {

namespace {

// Lines with their ends kept, so joining them gives the text back exactly.
QStringList linesOf(const QString& text)
{
    QStringList lines;
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype end = text.indexOf(u'\n', start);
        const qsizetype next = end < 0 ? text.size() : end + 1;
        lines.append(text.mid(start, next - start));
        start = next;
    }
    return lines;
}

// How many code units `a` and `b` share at the start and, after that, at the end; never
// splitting a surrogate pair.
std::pair<qsizetype, qsizetype> commonEnds(const QString& a, const QString& b)
{
    const qsizetype shorter = std::min(a.size(), b.size());
    qsizetype head = 0;
    while (head < shorter && a.at(head) == b.at(head))
        ++head;
    if (head > 0 && head < shorter && a.at(head).isLowSurrogate())
        --head;
    qsizetype tail = 0;
    while (tail < shorter - head && a.at(a.size() - 1 - tail) == b.at(b.size() - 1 - tail))
        ++tail;
    if (tail > 0 && tail < shorter - head && a.at(a.size() - tail).isLowSurrogate())
        --tail;
    return {head, tail};
}

} // namespace

TextChanges lineChanges(const QString& before, const QString& after)
{
    // The lines both share at the start and the end are never part of a change: only the
    // middle needs the quadratic table.
    const QStringList a = linesOf(before), b = linesOf(after);
    qsizetype head = 0;
    while (head < a.size() && head < b.size() && a.at(head) == b.at(head))
        ++head;
    qsizetype tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a.at(a.size() - 1 - tail) == b.at(b.size() - 1 - tail))
        ++tail;
    const qsizetype n = a.size() - head - tail, m = b.size() - head - tail;
    // common[i][j]: the longest common run of lines of a[head+i..] and b[head+j..].
    std::vector<std::vector<int>> common(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            common[size_t(i)][size_t(j)] =
                a.at(head + i) == b.at(head + j)
                    ? common[size_t(i + 1)][size_t(j + 1)] + 1
                    : std::max(common[size_t(i + 1)][size_t(j)], common[size_t(i)][size_t(j + 1)]);

    qsizetype position = 0;
    for (qsizetype k = 0; k < head; ++k)
        position += a.at(k).size();
    TextChanges changes;
    qsizetype i = 0, j = 0;
    QString removed, inserted;
    auto flush = [&] {
        // Within a changed run of lines only the characters that differ change: a colleague's
        // concurrent edit elsewhere in those lines is kept, not typed over by a copy.
        const auto [keepHead, keepTail] = commonEnds(removed, inserted);
        if (removed.size() > keepHead + keepTail || inserted.size() > keepHead + keepTail)
            changes.push_back({position + keepHead, removed.size() - keepHead - keepTail,
                               inserted.mid(keepHead, inserted.size() - keepHead - keepTail)});
        position += inserted.size();
        removed.clear();
        inserted.clear();
    };
    while (i < n || j < m) {
        if (i < n && j < m && a.at(head + i) == b.at(head + j)) {
            flush();
            position += a.at(head + i).size();
            ++i;
            ++j;
        } else if (j < m && (i == n || common[size_t(i)][size_t(j + 1)] >=
                                           common[size_t(i + 1)][size_t(j)])) {
            inserted += b.at(head + j++);
        } else {
            removed += a.at(head + i++);
        }
    }
    flush();
    return changes;
}

} // namespace crm::crdt
