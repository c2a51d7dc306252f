#include "server/tasks/csvtable.h"

namespace crm {

std::optional<QList<CsvTable::Row>> CsvTable::parse(const QString& text, QString* error)
{
    QList<Row> rows;
    Row row;
    QString cell;
    bool quoted = false;
    bool rowHasContent = false;
    int line = 1;
    row.line = 1;
    qsizetype i = text.startsWith(QChar(0xFEFF)) ? 1 : 0;
    int quoteLine = 0;
    auto endRow = [&] {
        row.cells.append(cell);
        cell.clear();
        if (rowHasContent || row.cells.size() > 1 || !row.cells.first().isEmpty())
            rows.append(row);
        row = Row{};
        rowHasContent = false;
    };
    for (; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    cell.append(u'"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == u'\n')
                    ++line;
                cell.append(c);
            }
            continue;
        }
        if (c == u'"' && cell.isEmpty()) {
            quoted = true;
            rowHasContent = true;
            quoteLine = line;
        } else if (c == u',') {
            row.cells.append(cell);
            cell.clear();
            rowHasContent = true;
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            continue; // the \n ends the row
        } else if (c == u'\n' || c == u'\r') {
            endRow();
            ++line;
            row.line = line;
        } else {
            cell.append(c);
        }
    }
    if (quoted) {
        *error = QStringLiteral("a quoted cell that starts on line %1 never ends").arg(quoteLine);
        return std::nullopt;
    }
    if (!cell.isEmpty() || !row.cells.isEmpty() || rowHasContent)
        endRow();
    return rows;
}

QString CsvTable::formatRow(const QStringList& cells)
{
    QStringList out;
    out.reserve(cells.size());
    for (const auto& cell : cells) {
        const bool needsQuotes = cell.contains(u',') || cell.contains(u'"') ||
                                 cell.contains(u'\n') || cell.contains(u'\r') ||
                                 cell.startsWith(u' ') || cell.endsWith(u' ');
        if (!needsQuotes) {
            out.append(cell);
            continue;
        }
        QString escaped = cell;
        escaped.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        out.append(u'"' + escaped + u'"');
    }
    return out.join(u',');
}

} // namespace crm
