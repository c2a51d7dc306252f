#pragma once

#include "protocol/mutation.h"
#include "server/storage/userdirectory.h"
#include "server/tasks/agenttask.h"

#include <memory>
#include <QJsonObject>
#include <QString>

namespace crm {

class RecordStore;

// What a running built-in job may use; the runner implements it for each task.
class TaskContext
{
public:
    virtual ~TaskContext() = default;

    virtual const AgentTask& task() const = 0;
    // Who the job acts as: the task's owner, with the owner's current rights.
    virtual const Identity& actor() const = 0;
    // Through the same path as a user's edit: validated, conflict-checked, logged, fanned out.
    virtual QJsonObject mutate(const Mutation& mutation) = 0;
    virtual RecordStore& records() = 0;
    // The enabled people of the task's brokerage (an import names assignees by name or email).
    virtual QList<UserDirectory::User> people() = 0;
    virtual QString input() = 0;
    virtual bool saveOutput(const QString& role, const QString& content) = 0;
    // Progress only ever grows within an attempt; the runner throttles what goes out.
    virtual void progress(qint64 done, qint64 total, const QString& step) = 0;
    // True once this turn's time slice is used up: the job returns and is called again later,
    // which is also when a cancel request is seen.
    virtual bool sliceOver() const = 0;
};

// One built-in kind of task. The runner calls prepare() once, then runSlice() until it says
// Done or Failed, with a cancel check (and other tasks' turns) in between.
class TaskJob
{
public:
    enum class Slice
    {
        More,
        Done,
        Failed
    };

    virtual ~TaskJob() = default;

    // "1 lead", "3 leads": a summary's counts, in the words people read on the task card.
    static QString counted(qint64 count, const char* one, const char* many)
    {
        return QStringLiteral("%1 %2").arg(count).arg(QLatin1String(count == 1 ? one : many));
    }

    // Checks the parameters and reads the input; false with a message for people.
    virtual bool prepare(TaskContext& context, QString* error) = 0;
    virtual Slice runSlice(TaskContext& context) = 0;
    // What the job achieved so far: also stored when it is cancelled half-way.
    virtual QJsonObject result() const = 0;
    virtual QString error() const { return m_error; }
    // Called once however the run ends (done, failed, cancelled): save what the owner should
    // be able to download.
    virtual void finish(TaskContext& context) { (void)context; }
    // One sentence for the final step line: "Imported 4,850 of 5,000 rows; 150 rejected".
    virtual QString summary() const = 0;

    static std::unique_ptr<TaskJob> create(const QString& kind);
    static bool isBuiltIn(const QString& kind) { return create(kind) != nullptr; }

protected:
    QString m_error;
};

} // namespace crm
