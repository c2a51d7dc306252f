#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <QHash>
#include <QString>
#include <utility>
#include <vector>

namespace crm {

// A Prometheus histogram: cumulative buckets (seconds), count and sum.
struct Histogram
{
    std::vector<double> bounds{0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};
    std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(8, 0);
    std::uint64_t count = 0;
    double sum = 0;

    void observe(double seconds);
    // The _bucket, _sum and _count lines; `labels` like `route="/api/me"` or empty.
    QString render(const QString& name, const QString& labels = {}) const;
};

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

    // A REST request answered: by route (its pattern, "/api/records/{module}/{id}": never the
    // ids themselves, which would make one series per record) and status code.
    void httpRequest(const QString& path, int status, double seconds);
    // One SQL statement's time (Database::exec), prepare to done.
    void databaseQuery(double seconds) { m_database.observe(seconds); }
    // Rows a task processed (imported, exported, compared), by its kind.
    void taskRows(const QString& kind, qint64 rows);

    // What the scrape adds to the counters: measured at that moment.
    struct Snapshot
    {
        qint64 connections = 0;
        QHash<QString, qint64> tasksByStatus;
        // One node of a cluster: its line to the others (absent for a single node).
        struct Cluster
        {
            bool redisUp = false;
            qint64 peers = 0;
            std::uint64_t published = 0;
            std::uint64_t heard = 0;
            std::uint64_t outages = 0;
            std::uint64_t gapsFilled = 0;
            std::uint64_t duplicatesDropped = 0;
            qint64 pollMs = 0;
        };
        std::optional<Cluster> cluster;
    };
    QString render(const Snapshot& snapshot) const;
    // The route pattern of a request path (what httpRequest labels it with).
    static QString routeOf(const QString& path);
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
    Histogram m_fanOut;
    Histogram m_database;
    std::map<std::pair<QString, int>, std::uint64_t> m_http; // (route, status): sorted output
    std::map<QString, Histogram> m_httpSeconds;
    std::map<QString, std::uint64_t> m_taskRows;
};

} // namespace crm
