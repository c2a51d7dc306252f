#include "server/sync/processmetrics.h"

#include <QDir>
#include <QFile>
#include <sys/resource.h>
#include <unistd.h>

namespace crm {

namespace {

QByteArray readProc(const char* path)
{
    QFile file(QString::fromLatin1(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

QString ProcessMetrics::render()
{
    const QByteArray stat = readProc("/proc/self/stat");
    if (stat.isEmpty())
        return {};
    // The command name (field 2) may hold spaces and parentheses: fields count from its end.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    // fields[0] is field 3 of proc(5): utime is 14, stime 15, starttime 22, vsize 23, rss 24.
    auto field = [&](int number) { return fields.value(number - 3).toDouble(); };
    double bootTime = 0;
    for (const QByteArray& line : readProc("/proc/stat").split('\n')) {
        if (line.startsWith("btime "))
            bootTime = line.mid(6).trimmed().toDouble();
    }
    rlimit limit = {};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const qsizetype openFds = QDir(QStringLiteral("/proc/self/fd"))
                                  .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                                  .size();

    QString out;
    auto metric = [&](const char* name, const char* type, const char* help, double value) {
        out += QStringLiteral("# HELP %1 %2\n# TYPE %1 %3\n%1 %4\n")
                   .arg(QLatin1StringView(name), QLatin1StringView(help), QLatin1StringView(type))
                   .arg(value, 0, 'g', 15);
    };
    metric("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.",
           (field(14) + field(15)) / ticks);
    metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           field(24) * static_cast<double>(pageSize));
    metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23));
    metric("process_open_fds", "gauge", "Number of open file descriptors.",
           static_cast<double>(openFds));
    metric("process_max_fds", "gauge", "Maximum number of open file descriptors.",
           static_cast<double>(limit.rlim_cur));
    metric("process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.", bootTime + field(22) / ticks);
    return out;
}

} // namespace crm
