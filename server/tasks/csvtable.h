#pragma once

#include <optional>
#include <QList>
#include <QString>
#include <QStringList>

namespace crm {

// RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks; CRLF or LF line ends;
// a UTF-8 byte order mark is ignored. Each parsed row remembers the line it started on, so an
// import can name the line of a rejected row the way a spreadsheet would.
class CsvTable
{
public:
    struct Row
    {
        int line = 0; // 1-based line in the file where the row starts
        QStringList cells;
    };

    // Null with the reason when a quoted cell never ends. Blank lines are skipped.
    static std::optional<QList<Row>> parse(const QString& text, QString* error);
    // One line of CSV (without the line end); cells are quoted only when they need it.
    static QString formatRow(const QStringList& cells);
};

} // namespace crm
