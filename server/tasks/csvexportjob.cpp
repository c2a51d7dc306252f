#include "server/tasks/csvexportjob.h"

#include "protocol/recordschema.h"
#include "server/storage/recordstore.h"
#include "server/tasks/csvtable.h"

#include <QJsonArray>

namespace crm {

namespace {

QString cellText(const FieldSpec& field, const QJsonValue& value)
{
    if (value.isNull() || value.isUndefined())
        return {};
    if (value.isBool())
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (value.isDouble()) {
        const double number = value.toDouble();
        return field.type == FieldSpec::Type::Integer ? QString::number(value.toInteger())
                                                      : QString::number(number, 'g', 15);
    }
    QString text = value.toString();
    static const QString formulaStarts = QStringLiteral("=+-@");
    if (!text.isEmpty() && formulaStarts.contains(text.front()))
        text.prepend(u'\'');
    return text;
}

} // namespace

bool CsvExportJob::prepare(TaskContext& context, QString* error)
{
    const QJsonObject& params = context.task().params;
    const QString module = params.value(QStringLiteral("module")).toString();
    m_spec = RecordSchema::instance().module(module);
    if (!m_spec) {
        *error = QStringLiteral("There is no module '%1' to export").arg(module);
        return false;
    }
    m_search = params.value(QStringLiteral("search")).toString().trimmed();
    m_filter = params.value(QStringLiteral("filter")).toObject();
    for (auto it = m_filter.begin(); it != m_filter.end(); ++it) {
        if (!m_spec->field(it.key())) {
            *error =
                QStringLiteral("%1 has no field '%2' to filter on").arg(m_spec->label, it.key());
            return false;
        }
    }
    QStringList header{QStringLiteral("id")};
    for (const auto& field : m_spec->fields)
        header.append(field.label);
    m_lines.append(CsvTable::formatRow(header));
    return true;
}

bool CsvExportJob::matches(const QJsonObject& record) const
{
    const QJsonObject fields = record.value(QStringLiteral("fields")).toObject();
    for (auto it = m_filter.begin(); it != m_filter.end(); ++it) {
        if (fields.value(it.key()).toVariant().toString().compare(it.value().toVariant().toString(),
                                                                  Qt::CaseInsensitive) != 0)
            return false;
    }
    if (m_search.isEmpty())
        return true;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (it.value().toVariant().toString().contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

TaskJob::Slice CsvExportJob::runSlice(TaskContext& context)
{
    while (!m_done) {
        qint64 total = 0;
        const auto page =
            context.records().list(context.actor(), m_spec->name, m_offset, kPage, &total);
        m_total = total;
        for (const auto& stored : page) {
            const QJsonObject record = stored.toJson(context.actor(), *m_spec);
            if (!matches(record))
                continue;
            const QJsonObject fields = record.value(QStringLiteral("fields")).toObject();
            QStringList cells{stored.id};
            for (const auto& field : m_spec->fields)
                cells.append(cellText(field, fields.value(field.name)));
            m_lines.append(CsvTable::formatRow(cells));
            ++m_written;
        }
        m_offset += static_cast<int>(page.size());
        m_done = page.size() < kPage;
        context.progress(m_offset, std::max<qint64>(m_total, m_offset),
                         QStringLiteral("Record %1 of %2").arg(m_offset).arg(m_total));
        if (context.sliceOver())
            break;
    }
    return m_done ? Slice::Done : Slice::More;
}

void CsvExportJob::finish(TaskContext& context)
{
    if (m_done && !context.saveOutput(QStringLiteral("output"), m_lines.join(u'\n') + u'\n'))
        m_error = QStringLiteral("The server could not store the exported file");
}

QJsonObject CsvExportJob::result() const
{
    return {{QStringLiteral("module"), m_spec ? m_spec->name : QString()},
            {QStringLiteral("rows"), m_written},
            {QStringLiteral("scanned"), m_offset},
            {QStringLiteral("file"), m_done ? QStringLiteral("output") : QString()}};
}

QString CsvExportJob::summary() const
{
    return QStringLiteral("Exported ") + counted(m_written, "record", "records");
}

} // namespace crm
