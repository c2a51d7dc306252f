#include "crdt/textdiff.h"

#include <QStringList>
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
    qsizetype removed = 0;
    QString inserted;
    auto flush = [&] {
        if (removed > 0 || !inserted.isEmpty())
            changes.push_back({position, removed, inserted});
        position += inserted.size();
        removed = 0;
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
            removed += a.at(head + i++).size();
        }
    }
    flush();
    return changes;
}

} // namespace crm::crdt
