#pragma once

#include "server/tasks/csvtable.h"
#include "server/tasks/taskjob.h"

#include <QHash>
#include <QJsonArray>
#include <QList>

namespace crm {

struct FieldSpec;
struct ModuleSpec;

// csv_import: params {"module"}, input the CSV text. The header row is matched to the module's
// fields by name or label (case and spacing ignored); each row becomes a create mutation acting
// as the owner. Row n has a fixed record id and mutation id, so a retry or a resume after a
// restart finds the rows it already imported ("duplicate") instead of importing them twice.
class CsvImportJob : public TaskJob
{
public:
    bool prepare(TaskContext& context, QString* error) override;
    Slice runSlice(TaskContext& context) override;
    QJsonObject result() const override;
    void finish(TaskContext& context) override;
    QString summary() const override;

    // Rejected rows listed in the result itself; the full list is the "report" output.
    static constexpr int kInlineRejections = 100;

private:
    // The cell as the field's JSON type, or an error message for people.
    QJsonValue convert(const FieldSpec& field, const QString& cell, QString* error) const;
    void reject(const CsvTable::Row& row, const QString& field, const QString& reason);

    const ModuleSpec* m_spec = nullptr;
    QList<CsvTable::Row> m_rows;       // without the header
    QList<const FieldSpec*> m_columns; // per header cell; null when ignored
    // Lower-cased id, email or name -> user id; empty for a name two people share.
    QHash<QString, QString> m_people;
    QStringList m_ignoredColumns;
    QStringList m_header;
    qsizetype m_next = 0;
    qint64 m_imported = 0;
    qint64 m_rejectedCount = 0;
    QJsonArray m_rejected;
    QStringList m_report;
};

} // namespace crm
