#include "server/sync/servermetrics.h"

namespace crm {

void ServerMetrics::mutation(const QString& status)
{
    if (status == QStringLiteral("applied"))
        ++m_applied;
    else if (status == QStringLiteral("duplicate"))
        ++m_duplicates;
    else if (status == QStringLiteral("conflict"))
        ++m_conflicts;
    else if (status == QStringLiteral("rejected"))
        ++m_rejected;
    else
        ++m_errors;
}

void ServerMetrics::fanOut(double seconds)
{
    ++m_fanOutCount;
    m_fanOutSum += seconds;
    for (size_t i = 0; i < m_bounds.size(); ++i) {
        if (seconds <= m_bounds[i])
            ++m_buckets[i];
    }
}

QString ServerMetrics::render(qint64 connections) const
{
    QString out;
    auto metric = [&](const char* name, const char* type, const char* help) {
        out += QStringLiteral("# HELP %1 %2\n# TYPE %1 %3\n")
                   .arg(QLatin1StringView(name), QLatin1StringView(help), QLatin1StringView(type));
    };
    metric("crm_connections", "gauge", "Connected Socket.IO sessions.");
    out += QStringLiteral("crm_connections %1\n").arg(connections);
    metric("crm_events_in_total", "counter", "Events received from clients.");
    out += QStringLiteral("crm_events_in_total %1\n").arg(m_eventsIn);
    metric("crm_events_out_total", "counter", "Change events sent to clients.");
    out += QStringLiteral("crm_events_out_total %1\n").arg(m_eventsOut);
    metric("crm_mutations_total", "counter", "Mutations by outcome.");
    const std::pair<const char*, std::uint64_t> outcomes[] = {{"applied", m_applied},
                                                              {"duplicate", m_duplicates},
                                                              {"conflict", m_conflicts},
                                                              {"rejected", m_rejected},
                                                              {"error", m_errors}};
    for (const auto& [status, count] : outcomes)
        out += QStringLiteral("crm_mutations_total{status=\"%1\"} %2\n")
                   .arg(QLatin1StringView(status))
                   .arg(count);
    metric("crm_conflicts_total", "counter", "Mutations answered with a conflict.");
    out += QStringLiteral("crm_conflicts_total %1\n").arg(m_conflicts);
    metric("crm_rate_limited_sockets_total", "counter", "Sockets closed for sending too fast.");
    out += QStringLiteral("crm_rate_limited_sockets_total %1\n").arg(m_rateLimited);
    metric("crm_connects_refused_total", "counter", "CONNECTs refused (auth, socket cap).");
    out += QStringLiteral("crm_connects_refused_total %1\n").arg(m_connectsRefused);
    metric("crm_fanout_seconds", "histogram", "Commit to last recipient written.");
    for (size_t i = 0; i < m_bounds.size(); ++i)
        out += QStringLiteral("crm_fanout_seconds_bucket{le=\"%1\"} %2\n")
                   .arg(m_bounds[i])
                   .arg(m_buckets[i]);
    out += QStringLiteral("crm_fanout_seconds_bucket{le=\"+Inf\"} %1\n").arg(m_fanOutCount);
    out += QStringLiteral("crm_fanout_seconds_sum %1\n").arg(m_fanOutSum);
    out += QStringLiteral("crm_fanout_seconds_count %1\n").arg(m_fanOutCount);
    return out;
}

} // namespace crm
