#pragma once

// What the server benchmarks read of other processes, and their way of waiting: the event loop
// runs (sockets keep being served) until a condition holds or time is up.
#include <algorithm>
#include <functional>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <unistd.h>
#include <vector>

namespace crm::bench {

inline bool waitFor(const std::function<bool()>& done, int timeoutMs, int sliceMs = 20)
{
    QElapsedTimer timer;
    timer.start();
    // Sleeps until an event or the next tick: a loop that polled without waiting would take a
    // core from the server being measured (this machine has two).
    QTimer tick;
    tick.start(sliceMs);
    QTimer deadline; // wakes the loop when the time is up, between ticks
    deadline.setSingleShot(true);
    deadline.start(timeoutMs + 1);
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// User plus system CPU time a process has used so far.
inline double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = stat.readAll().split(' ');
    if (fields.size() < 15)
        return 0;
    return static_cast<double>(fields[13].toLongLong() + fields[14].toLongLong()) /
           static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The p-th fraction of `values` (0.5 the median, 1.0 the largest); -1 when there are none.
inline double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<size_t>(p * static_cast<double>(values.size())))];
}

inline double residentMegabytesOf(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const auto& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

} // namespace crm::bench
