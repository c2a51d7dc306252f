#include "server/tasks/csvimportjob.h"

#include "protocol/recordschema.h"

#include <QDate>
#include <QDateTime>
#include <QUuid>

namespace crm {

namespace {

// Record ids of imported rows are UUIDv5 names under this namespace: "<task id>/<row>".
const QUuid kImportNamespace(QStringLiteral("{6f1d3c52-8a4e-4b7f-9c21-3e5a7d9b0f11}"));

QString normalisedHeader(const QString& text)
{
    QString out;
    for (const QChar c : text) {
        if (c.isLetterOrNumber())
            out.append(c.toLower());
    }
    return out;
}

} // namespace

bool CsvImportJob::prepare(TaskContext& context, QString* error)
{
    const QString module = context.task().params.value(QStringLiteral("module")).toString();
    m_spec = RecordSchema::instance().module(module);
    if (!m_spec) {
        *error = QStringLiteral("There is no module '%1' to import into").arg(module);
        return false;
    }
    for (const auto& person : context.people()) {
        const QString id = person.identity.userId;
        m_people.insert(id.toLower(), id);
        m_people.insert(person.email.toLower(), id);
        const QString name = person.identity.displayName.toLower();
        const auto named = m_people.constFind(name);
        m_people.insert(name, named != m_people.constEnd() && *named != id ? QString() : id);
    }
    QString parseError;
    auto rows = CsvTable::parse(context.input(), &parseError);
    if (!rows) {
        *error = QStringLiteral("The file is not valid CSV: %1").arg(parseError);
        return false;
    }
    if (rows->size() < 2) {
        *error = QStringLiteral("The file needs a header row and at least one row of data");
        return false;
    }
    m_header = rows->takeFirst().cells;
    m_rows = std::move(*rows);
    QSet<QString> mapped;
    for (const auto& title : m_header) {
        const QString key = normalisedHeader(title);
        const FieldSpec* match = nullptr;
        for (const auto& field : m_spec->fields) {
            if (field.derived)
                continue; // the server keeps it: an exported file's column is ignored
            if (normalisedHeader(field.name) == key || normalisedHeader(field.label) == key)
                match = &field;
        }
        if (match && mapped.contains(match->name))
            match = nullptr; // a second column for the same field: the first one wins
        if (match)
            mapped.insert(match->name);
        else
            m_ignoredColumns.append(title);
        m_columns.append(match);
    }
    for (const auto& field : m_spec->fields) {
        if (field.required && !mapped.contains(field.name)) {
            *error = QStringLiteral("The file has no column for %1 (%2), which every %3 needs")
                         .arg(field.label, field.name, m_spec->singular);
            return false;
        }
    }
    m_report.append(CsvTable::formatRow(
        QStringList{QStringLiteral("line"), QStringLiteral("field"), QStringLiteral("reason")} +
        m_header));
    return true;
}

QJsonValue CsvImportJob::convert(const FieldSpec& field, const QString& raw, QString* error) const
{
    const QString cell = raw.trimmed();
    switch (field.type) {
    case FieldSpec::Type::Integer: {
        bool ok = false;
        const qint64 value = QString(cell).remove(u',').remove(u' ').toLongLong(&ok);
        if (!ok)
            *error = QStringLiteral("'%1' is not a whole number").arg(cell);
        return value;
    }
    case FieldSpec::Type::Number:
    case FieldSpec::Type::Money: {
        bool ok = false;
        const double value = QString(cell).remove(u',').remove(u'$').remove(u' ').toDouble(&ok);
        if (!ok)
            *error = QStringLiteral("'%1' is not a number").arg(cell);
        return value;
    }
    case FieldSpec::Type::Bool: {
        const QString lower = cell.toLower();
        if (lower == u"yes" || lower == u"true" || lower == u"1")
            return true;
        if (lower == u"no" || lower == u"false" || lower == u"0")
            return false;
        *error = QStringLiteral("'%1' is not yes or no").arg(cell);
        return {};
    }
    case FieldSpec::Type::Enum:
        for (const auto& value : field.values) {
            if (value.compare(cell, Qt::CaseInsensitive) == 0)
                return value;
        }
        return cell; // the schema check names the allowed values
    case FieldSpec::Type::Date: {
        // Spreadsheets export US dates as often as ISO ones.
        QDate date = QDate::fromString(cell, Qt::ISODate);
        if (!date.isValid())
            date = QDate::fromString(cell, QStringLiteral("M/d/yyyy"));
        return date.isValid() ? QJsonValue(date.toString(Qt::ISODate)) : QJsonValue(cell);
    }
    case FieldSpec::Type::User: {
        // Another CRM's export names people, it does not know our ids.
        const auto person = m_people.constFind(cell.toLower());
        if (person == m_people.constEnd())
            *error =
                QStringLiteral("No one in this brokerage is '%1' (a name, email or id)").arg(cell);
        else if (person->isEmpty())
            *error =
                QStringLiteral("More than one person is called '%1': use their email").arg(cell);
        return person == m_people.constEnd() ? QJsonValue() : QJsonValue(*person);
    }
    default:
        return cell;
    }
}

void CsvImportJob::reject(const CsvTable::Row& row, const QString& field, const QString& reason)
{
    ++m_rejectedCount;
    if (m_rejected.size() < kInlineRejections)
        m_rejected.append(QJsonObject{{QStringLiteral("line"), row.line},
                                      {QStringLiteral("field"), field},
                                      {QStringLiteral("reason"), reason}});
    m_report.append(
        CsvTable::formatRow(QStringList{QString::number(row.line), field, reason} + row.cells));
}

TaskJob::Slice CsvImportJob::runSlice(TaskContext& context)
{
    const AgentTask& task = context.task();
    const QString clientId = QStringLiteral("task:") + task.id;
    const qsizetype total = m_rows.size();
    while (m_next < total) {
        const CsvTable::Row& row = m_rows.at(m_next);
        const qint64 index = m_next++;
        QJsonObject fields;
        QString problem;
        QString problemField;
        for (qsizetype c = 0; c < m_columns.size() && problem.isEmpty(); ++c) {
            const FieldSpec* field = m_columns.at(c);
            const QString cell = row.cells.value(c);
            if (!field || cell.trimmed().isEmpty())
                continue;
            const QJsonValue value = convert(*field, cell, &problem);
            if (!problem.isEmpty())
                problemField = field->name;
            else
                fields.insert(field->name, value);
        }
        if (!problem.isEmpty()) {
            reject(row, problemField, problem);
        } else {
            Mutation mutation;
            mutation.module = m_spec->name;
            mutation.op = Operation::Create;
            mutation.recordId =
                QUuid::createUuidV5(kImportNamespace, task.id + u'/' + QString::number(index))
                    .toString(QUuid::WithoutBraces);
            mutation.clientId = clientId;
            mutation.mutationId = index + 1;
            mutation.fields = fields;
            QJsonObject outcome = context.mutate(mutation);
            if (outcome.value(QStringLiteral("status")) == QStringLiteral("duplicate"))
                outcome = outcome.value(QStringLiteral("original")).toObject();
            const QString status = outcome.value(QStringLiteral("status")).toString();
            if (status == QStringLiteral("applied")) {
                ++m_imported;
            } else if (status == QStringLiteral("error")) {
                // Storage trouble is not the row's fault: stop, so a retry imports it.
                --m_next;
                m_error = QStringLiteral("The server could not store row %1; retry the import")
                              .arg(row.line);
                return Slice::Failed;
            } else {
                const QJsonObject error = outcome.value(QStringLiteral("error")).toObject();
                reject(row, error.value(QStringLiteral("field")).toString(),
                       error.value(QStringLiteral("message")).toString());
            }
        }
        context.progress(m_next, total, QStringLiteral("Row %1 of %2").arg(m_next).arg(total));
        if (context.sliceOver())
            break;
    }
    return m_next < total ? Slice::More : Slice::Done;
}

void CsvImportJob::finish(TaskContext& context)
{
    if (m_spec)
        context.saveOutput(QStringLiteral("report"), m_report.join(u'\n') + u'\n');
}

QJsonObject CsvImportJob::result() const
{
    return {{QStringLiteral("module"), m_spec ? m_spec->name : QString()},
            {QStringLiteral("rows"), m_rows.size()},
            {QStringLiteral("processed"), m_next},
            {QStringLiteral("imported"), m_imported},
            {QStringLiteral("rejected"), m_rejectedCount},
            {QStringLiteral("rejectedRows"), m_rejected},
            {QStringLiteral("ignoredColumns"), QJsonArray::fromStringList(m_ignoredColumns)}};
}

QString CsvImportJob::summary() const
{
    return QStringLiteral("Imported %1 of %2; %3 rejected")
        .arg(m_imported)
        .arg(counted(m_rows.size(), "row", "rows"))
        .arg(m_rejectedCount);
}

} // namespace crm
