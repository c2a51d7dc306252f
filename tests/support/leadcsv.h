#pragma once

// A leads CSV the way a spreadsheet exports one, with a known share of bad rows: shared by the
// task tests and the import benchmark, so both measure the same file.
#include <QString>
#include <QStringList>

namespace crm::test {

struct LeadCsv
{
    QString text;
    int rows = 0;
    int bad = 0; // rows the import must reject
    QList<int> badLines;
};

// Every 37th row has a score that is not a number, every 53rd no name (required), every 71st a
// status outside the enum; the rest are valid. Quoted cells with commas and a column the schema
// does not know are there too.
inline LeadCsv makeLeadCsv(int rows, const QString& tag = QStringLiteral("L"))
{
    LeadCsv csv;
    csv.rows = rows;
    QStringList lines{
        QStringLiteral("Name,Email,Phone,Source,status,Score,Budget to,Favourite colour")};
    for (int i = 1; i <= rows; ++i) {
        QString name = QStringLiteral("\"%1 %2, Jr.\"").arg(tag).arg(i);
        QString score = QString::number(i % 100);
        QString status = QStringLiteral("new");
        const bool badScore = i % 37 == 0;
        const bool noName = !badScore && i % 53 == 0;
        const bool badStatus = !badScore && !noName && i % 71 == 0;
        if (badScore)
            score = QStringLiteral("lots");
        if (noName)
            name.clear();
        if (badStatus)
            status = QStringLiteral("bogus");
        if (badScore || noName || badStatus) {
            ++csv.bad;
            csv.badLines.append(i + 1); // line 1 is the header
        }
        lines.append(QStringLiteral("%1,%2@example.test,555-01%3,Website,%4,%5,\"$%6,000\",blue")
                         .arg(name, tag.toLower() + QString::number(i))
                         .arg(i % 100, 2, 10, QChar(u'0'))
                         .arg(status, score)
                         .arg(400 + i % 300));
    }
    csv.text = lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n");
    return csv;
}

} // namespace crm::test
