#pragma once

#include <cstdint>
#include <QString>
#include <vector>

namespace crm {

// Counters for /metrics, rendered in the Prometheus text exposition format.
class ServerMetrics
{
public:
    void eventIn() { ++m_eventsIn; }
    void eventsOut(std::uint64_t count) { m_eventsOut += count; }
    void mutation(const QString& status);
    void rateLimited() { ++m_rateLimited; }
    void connectRefused() { ++m_connectsRefused; }
    // Time from commit to the last recipient's frame written, per fan-out.
    void fanOut(double seconds);

    QString render(qint64 connections) const;
    // Mutations answered "duplicate": a client resent what the server had (a lost ack).
    std::uint64_t duplicates() const { return m_duplicates; }

private:
    std::uint64_t m_eventsIn = 0;
    std::uint64_t m_eventsOut = 0;
    std::uint64_t m_applied = 0;
    std::uint64_t m_duplicates = 0;
    std::uint64_t m_conflicts = 0;
    std::uint64_t m_rejected = 0;
    std::uint64_t m_errors = 0;
    std::uint64_t m_rateLimited = 0;
    std::uint64_t m_connectsRefused = 0;
    // Histogram buckets (seconds) for fan-out latency.
    std::vector<double> m_bounds{0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};
    std::vector<std::uint64_t> m_buckets = std::vector<std::uint64_t>(8, 0);
    std::uint64_t m_fanOutCount = 0;
    double m_fanOutSum = 0;
};

} // namespace crm
