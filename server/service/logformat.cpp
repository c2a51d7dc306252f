#include "server/service/logformat.h"

#include <cstdio>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

namespace crm {

namespace {

LogFormat::Style g_style = LogFormat::Style::Text;

const char* levelOf(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void write(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    static QMutex mutex; // the checkpointer and the password pool log from their threads
    const QString text =
        LogFormat::line(g_style, type, context.category ? context.category : "default", message,
                        QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QByteArray utf8 = text.toUtf8() + '\n';
    QMutexLocker lock(&mutex);
    std::fwrite(utf8.constData(), 1, static_cast<size_t>(utf8.size()), stderr);
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

QString LogFormat::line(Style style, QtMsgType type, const char* category, const QString& message,
                        const QString& timestamp)
{
    if (style == Style::Json) {
        return QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("ts"), timestamp},
                                      {QStringLiteral("level"), QLatin1String(levelOf(type))},
                                      {QStringLiteral("category"), QLatin1String(category)},
                                      {QStringLiteral("msg"), message}})
                .toJson(QJsonDocument::Compact));
    }
    // One line per message: a newline inside one would forge the next line.
    QString flat = message;
    flat.replace(u'\n', QStringLiteral("\\n"));
    return QStringLiteral("%1 %2 %3: %4")
        .arg(timestamp, QLatin1String(levelOf(type)), QLatin1String(category), flat);
}

void LogFormat::install(Style style)
{
    g_style = style;
    qInstallMessageHandler(write);
}

} // namespace crm
