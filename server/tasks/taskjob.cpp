#include "server/tasks/taskjob.h"

#include "server/tasks/csvexportjob.h"
#include "server/tasks/csvimportjob.h"
#include "server/tasks/leaddedupejob.h"

namespace crm {

std::unique_ptr<TaskJob> TaskJob::create(const QString& kind)
{
    if (kind == QStringLiteral("csv_import"))
        return std::make_unique<CsvImportJob>();
    if (kind == QStringLiteral("csv_export"))
        return std::make_unique<CsvExportJob>();
    if (kind == QStringLiteral("lead_dedupe"))
        return std::make_unique<LeadDedupeJob>();
    return nullptr;
}

} // namespace crm
