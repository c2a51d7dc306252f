#include "app/taskcommands.h"

#include "app/clirest.h"
#include "protocol/taskrequest.h"
#include "realtime/restclient.h"

#include <cstdio>
#include <optional>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QTimer>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-cli", text);
}

void line(const QString& text, FILE* stream = stdout)
{
    std::fprintf(stream, "%s\n", qPrintable(text));
    std::fflush(stream);
}

QString compact(const QJsonObject& json)
{
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

QString describe(const Task& task)
{
    return tr("%1  %2  %3%  %4  %5")
        .arg(task.id, taskStatusName(task.status).leftJustified(9))
        .arg(task.progress, 3)
        .arg(task.title, task.step);
}

int exitFor(const Task& task)
{
    return task.status == TaskStatus::Completed ? 0 : 4;
}

// The task a successful answer carries; nullopt (said on stderr, exit 6) when it cannot be read.
std::optional<Task> taskIn(const RestReply& reply)
{
    auto task = Task::fromJson(reply.body.toObject());
    if (task.ok())
        return std::move(task).value();
    line(tr("crm-cli: the server's answer is not a task this version can read: %1")
             .arg(task.error().describe()),
         stderr);
    return std::nullopt;
}

// Polls until the task is final; progress lines go to stderr so stdout stays the result.
int waitFor(RestClient& rest, const QString& id, const CliOptions& options)
{
    QElapsedTimer clock;
    clock.start();
    int lastProgress = -1;
    while (true) {
        const auto reply = callRest(rest, "GET", QStringLiteral("/api/tasks/%1").arg(id));
        if (!reply.ok())
            return restFailure(reply);
        const auto task = taskIn(reply);
        if (!task)
            return 6;
        if (task->progress != lastProgress && !options.json) {
            line(tr("%1%  %2").arg(task->progress, 3).arg(task->step), stderr);
            lastProgress = task->progress;
        }
        if (task->isFinal()) {
            const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
            const qint64 steps = task->stepsDone;
            if (options.json)
                line(compact(reply.body.toObject()));
            else
                line(describe(*task));
            if (!options.json && seconds > 0 && steps > 0)
                line(tr("%1 steps in %2 s (%3 per second)")
                         .arg(steps)
                         .arg(seconds, 0, 'f', 2)
                         .arg(static_cast<double>(steps) / seconds, 0, 'f', 0),
                     stderr);
            return exitFor(*task);
        }
        QEventLoop pause;
        QTimer::singleShot(200, &pause, &QEventLoop::quit);
        pause.exec();
    }
}

} // namespace

int runTaskCommand(const QStringList& args, const CliOptions& options)
{
    const QString verb = args.value(1);
    const QString id = args.value(2);
    if (verb.isEmpty()) {
        line(tr("usage: task start|list|show|wait|cancel|retry|report|output ..."), stderr);
        return 1;
    }
    RestClient rest;
    if (const int status = signInRest(options, rest, 60); status != 0)
        return status;
    const TaskCliOptions& t = options.task;

    if (verb == QStringLiteral("list")) {
        const auto reply = callRest(rest, "GET", QStringLiteral("/api/tasks"));
        if (!reply.ok())
            return restFailure(reply);
        const auto list = TaskList::fromJson(reply.body.toObject());
        if (!list.ok()) {
            line(tr("crm-cli: the server's task list cannot be read: %1")
                     .arg(list.error().describe()),
                 stderr);
            return 6;
        }
        for (const auto& task : list.value().tasks)
            line(options.json ? compact(task.toJson()) : describe(task));
        return 0;
    }
    if (verb == QStringLiteral("start")) {
        if (id.isEmpty()) {
            line(tr("usage: task start csv_import|csv_export|lead_dedupe|agent ..."), stderr);
            return 1;
        }
        TaskStart start{id, t.title, {}, {}, t.shared};
        if (!t.module.isEmpty())
            start.params.insert(QStringLiteral("module"), t.module);
        if (t.merge)
            start.params.insert(QStringLiteral("merge"), true);
        if (!t.file.isEmpty()) {
            QFile file(t.file);
            if (!file.open(QIODevice::ReadOnly)) {
                line(tr("crm-cli: cannot read %1: %2").arg(t.file, file.errorString()), stderr);
                return 1;
            }
            start.input = QString::fromUtf8(file.readAll());
        }
        const auto reply = callRest(rest, "POST", QStringLiteral("/api/tasks"), start.toJson());
        if (!reply.ok())
            return restFailure(reply);
        const auto task = taskIn(reply);
        if (!task)
            return 6;
        if (!t.wait) {
            line(options.json ? compact(reply.body.toObject()) : task->id);
            return 0;
        }
        return waitFor(rest, task->id, options);
    }
    if (id.isEmpty()) {
        line(tr("usage: task %1 ID").arg(verb), stderr);
        return 1;
    }
    if (verb == QStringLiteral("wait"))
        return waitFor(rest, id, options);
    if (verb == QStringLiteral("show") || verb == QStringLiteral("cancel") ||
        verb == QStringLiteral("retry")) {
        const auto reply =
            verb == QStringLiteral("show")
                ? callRest(rest, "GET", QStringLiteral("/api/tasks/%1").arg(id))
                : callRest(rest, "POST", QStringLiteral("/api/tasks/%1/%2").arg(id, verb));
        if (!reply.ok())
            return restFailure(reply);
        if (options.json || verb == QStringLiteral("show")) {
            line(compact(reply.body.toObject()));
            return 0;
        }
        const auto task = taskIn(reply);
        if (!task)
            return 6;
        line(describe(*task));
        return 0;
    }
    if (verb == QStringLiteral("output")) {
        const auto reply =
            callRest(rest, "GET",
                     QStringLiteral("/api/tasks/%1/%2")
                         .arg(id, t.report ? QStringLiteral("report") : QStringLiteral("output")));
        if (!reply.ok())
            return restFailure(reply);
        std::fputs(reply.text.toUtf8().constData(), stdout);
        return 0;
    }
    if (verb == QStringLiteral("report")) {
        TaskReport report;
        if (!t.progress.isEmpty())
            report.progress = static_cast<int>(t.progress.toDouble());
        if (!t.step.isEmpty())
            report.step = t.step;
        if (!t.done.isEmpty())
            report.stepsDone = t.done.toLongLong();
        if (!t.total.isEmpty())
            report.stepsTotal = t.total.toLongLong();
        if (!t.status.isEmpty()) {
            report.status = taskStatusFromName(t.status);
            if (!report.status || *report.status == TaskStatus::Queued ||
                *report.status == TaskStatus::Running) {
                line(tr("crm-cli: --status is completed, failed or cancelled"), stderr);
                return 1;
            }
        }
        if (!t.error.isEmpty())
            report.error = t.error;
        if (!t.result.isEmpty()) {
            QJsonParseError error{};
            const auto doc = QJsonDocument::fromJson(t.result.toUtf8(), &error);
            if (!doc.isObject()) {
                line(tr("crm-cli: --result must be a JSON object"), stderr);
                return 1;
            }
            report.result = doc.object();
        }
        const auto reply =
            callRest(rest, "POST", QStringLiteral("/api/tasks/%1/report").arg(id), report.toJson());
        if (!reply.ok())
            return restFailure(reply);
        const auto task = taskIn(reply);
        if (!task)
            return 6;
        line(options.json ? compact(reply.body.toObject()) : describe(*task));
        // A shell agent learns about a cancel request from its own report's answer.
        return task->isActive() && task->cancelRequested ? 4 : 0;
    }
    line(tr("unknown task command '%1'").arg(verb), stderr);
    return 1;
}

} // namespace crm
