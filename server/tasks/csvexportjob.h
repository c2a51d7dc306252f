#pragma once

#include "server/tasks/taskjob.h"

#include <QStringList>

namespace crm {

struct ModuleSpec;

// csv_export: params {"module", "search"?, "filter"? {field: value}}. Writes the records the owner
// may see (sensitive fields masked as for them) to the "output" file, downloadable over REST.
// Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe.
class CsvExportJob : public TaskJob
{
public:
    bool prepare(TaskContext& context, QString* error) override;
    Slice runSlice(TaskContext& context) override;
    QJsonObject result() const override;
    QString summary() const override;
    void finish(TaskContext& context) override;

    static constexpr int kPage = 500;

private:
    bool matches(const QJsonObject& record) const;

    const ModuleSpec* m_spec = nullptr;
    QString m_search;
    QJsonObject m_filter;
    QStringList m_lines;
    int m_offset = 0;
    qint64 m_total = -1;
    qint64 m_written = 0;
    bool m_done = false;
};

} // namespace crm
