#pragma once

#include <QString>

namespace crm {

// The process_* metrics every Prometheus client library exports, read from /proc/self: CPU
// seconds, resident and virtual memory, open and allowed file descriptors, start time. Elsewhere
// than Linux it renders nothing.
struct ProcessMetrics
{
    static QString render();
};

} // namespace crm
