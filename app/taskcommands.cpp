#include "app/taskcommands.h"

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

// One REST call, waited for.
RestReply call(RestClient& rest, const QByteArray& verb, const QString& path,
               const QJsonObject& body = {})
{
    std::optional<RestReply> reply;
    QEventLoop loop;
    auto done = [&](const RestReply& r) {
        reply = r;
        loop.quit();
    };
    if (verb == "GET")
        rest.get(path, done);
    else
        rest.post(path, body, done);
    if (!reply)
        loop.exec();
    return *reply;
}

int failure(const RestReply& reply)
{
    line(tr("crm-cli: %1")
             .arg(reply.error.message.isEmpty() ? reply.error.describe() : reply.error.message),
         stderr);
    if (reply.error.isUnauthorized())
        return 2;
    return reply.error.kind == RestError::Kind::Http ? 6 : 3;
}

QString describe(const QJsonObject& task)
{
    return tr("%1  %2  %3%  %4  %5")
        .arg(task.value(QStringLiteral("id")).toString(),
             task.value(QStringLiteral("status")).toString().leftJustified(9))
        .arg(task.value(QStringLiteral("progress")).toInt(), 3)
        .arg(task.value(QStringLiteral("title")).toString(),
             task.value(QStringLiteral("step")).toString());
}

int exitFor(const QJsonObject& task)
{
    return task.value(QStringLiteral("status")) == QStringLiteral("completed") ? 0 : 4;
}

// Polls until the task is final; progress lines go to stderr so stdout stays the result.
int waitFor(RestClient& rest, const QString& id, const CliOptions& options)
{
    QElapsedTimer clock;
    clock.start();
    int lastProgress = -1;
    while (true) {
        const auto reply = call(rest, "GET", QStringLiteral("/api/tasks/%1").arg(id));
        if (!reply.ok())
            return failure(reply);
        const QJsonObject task = reply.body.toObject();
        const QString status = task.value(QStringLiteral("status")).toString();
        const int progress = task.value(QStringLiteral("progress")).toInt();
        if (progress != lastProgress && !options.json) {
            line(tr("%1%  %2").arg(progress, 3).arg(task.value(QStringLiteral("step")).toString()),
                 stderr);
            lastProgress = progress;
        }
        if (status != QStringLiteral("queued") && status != QStringLiteral("running")) {
            const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
            const qint64 steps = task.value(QStringLiteral("stepsDone")).toInteger();
            if (options.json)
                line(compact(task));
            else
                line(describe(task));
            if (!options.json && seconds > 0 && steps > 0)
                line(tr("%1 steps in %2 s (%3 per second)")
                         .arg(steps)
                         .arg(seconds, 0, 'f', 2)
                         .arg(static_cast<double>(steps) / seconds, 0, 'f', 0),
                     stderr);
            return exitFor(task);
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
    QString token;
    if (const int status = options.obtainToken(&token); status != 0)
        return status;
    RestClient rest;
    rest.setBaseUrl(options.server);
    rest.setBearerToken(token);
    rest.setTimeout(std::chrono::seconds(std::max(options.timeoutSec, 60)));
    const TaskCliOptions& t = options.task;

    if (verb == QStringLiteral("list")) {
        const auto reply = call(rest, "GET", QStringLiteral("/api/tasks"));
        if (!reply.ok())
            return failure(reply);
        for (const auto& task : reply.body.toObject().value(QStringLiteral("tasks")).toArray())
            line(options.json ? compact(task.toObject()) : describe(task.toObject()));
        return 0;
    }
    if (verb == QStringLiteral("start")) {
        if (id.isEmpty()) {
            line(tr("usage: task start csv_import|csv_export|lead_dedupe|agent ..."), stderr);
            return 1;
        }
        QJsonObject params;
        if (!t.module.isEmpty())
            params.insert(QStringLiteral("module"), t.module);
        if (t.merge)
            params.insert(QStringLiteral("merge"), true);
        QJsonObject body{{QStringLiteral("kind"), id},
                         {QStringLiteral("title"), t.title},
                         {QStringLiteral("params"), params},
                         {QStringLiteral("shared"), t.shared}};
        if (!t.file.isEmpty()) {
            QFile file(t.file);
            if (!file.open(QIODevice::ReadOnly)) {
                line(tr("crm-cli: cannot read %1: %2").arg(t.file, file.errorString()), stderr);
                return 1;
            }
            body.insert(QStringLiteral("input"), QString::fromUtf8(file.readAll()));
        }
        const auto reply = call(rest, "POST", QStringLiteral("/api/tasks"), body);
        if (!reply.ok())
            return failure(reply);
        const QJsonObject task = reply.body.toObject();
        if (!t.wait) {
            line(options.json ? compact(task) : task.value(QStringLiteral("id")).toString());
            return 0;
        }
        return waitFor(rest, task.value(QStringLiteral("id")).toString(), options);
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
                ? call(rest, "GET", QStringLiteral("/api/tasks/%1").arg(id))
                : call(rest, "POST", QStringLiteral("/api/tasks/%1/%2").arg(id, verb));
        if (!reply.ok())
            return failure(reply);
        line(options.json || verb == QStringLiteral("show") ? compact(reply.body.toObject())
                                                            : describe(reply.body.toObject()));
        return 0;
    }
    if (verb == QStringLiteral("output")) {
        const auto reply =
            call(rest, "GET",
                 QStringLiteral("/api/tasks/%1/%2")
                     .arg(id, t.report ? QStringLiteral("report") : QStringLiteral("output")));
        if (!reply.ok())
            return failure(reply);
        std::fputs(reply.text.toUtf8().constData(), stdout);
        return 0;
    }
    if (verb == QStringLiteral("report")) {
        QJsonObject report;
        if (!t.progress.isEmpty())
            report.insert(QStringLiteral("progress"), t.progress.toDouble());
        if (!t.step.isEmpty())
            report.insert(QStringLiteral("step"), t.step);
        if (!t.done.isEmpty())
            report.insert(QStringLiteral("stepsDone"), t.done.toLongLong());
        if (!t.total.isEmpty())
            report.insert(QStringLiteral("stepsTotal"), t.total.toLongLong());
        if (!t.status.isEmpty())
            report.insert(QStringLiteral("status"), t.status);
        if (!t.error.isEmpty())
            report.insert(QStringLiteral("error"), t.error);
        if (!t.result.isEmpty()) {
            QJsonParseError error{};
            const auto doc = QJsonDocument::fromJson(t.result.toUtf8(), &error);
            if (!doc.isObject()) {
                line(tr("crm-cli: --result must be a JSON object"), stderr);
                return 1;
            }
            report.insert(QStringLiteral("result"), doc.object());
        }
        const auto reply =
            call(rest, "POST", QStringLiteral("/api/tasks/%1/report").arg(id), report);
        if (!reply.ok())
            return failure(reply);
        const QJsonObject task = reply.body.toObject();
        line(options.json ? compact(task) : describe(task));
        // A shell agent learns about a cancel request from its own report's answer.
        const QString status = task.value(QStringLiteral("status")).toString();
        const bool stillRunning =
            status == QStringLiteral("running") || status == QStringLiteral("queued");
        return stillRunning && task.value(QStringLiteral("cancelRequested")).toBool() ? 4 : 0;
    }
    line(tr("unknown task command '%1'").arg(verb), stderr);
    return 1;
}

} // namespace crm
