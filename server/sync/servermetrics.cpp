#include "server/sync/servermetrics.h"

#include "common/buildinfo.h"
#include "server/sync/processmetrics.h"

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

void Histogram::observe(double seconds)
{
    ++count;
    sum += seconds;
    for (size_t i = 0; i < bounds.size(); ++i) {
        if (seconds <= bounds[i])
            ++buckets[i];
    }
}

QString Histogram::render(const QString& name, const QString& labels) const
{
    const QString prefix = labels.isEmpty() ? QString() : labels + u',';
    const QString own = labels.isEmpty() ? QString() : u'{' + labels + u'}';
    QString out;
    for (size_t i = 0; i < bounds.size(); ++i)
        out += QStringLiteral("%1_bucket{%2le=\"%3\"} %4\n")
                   .arg(name, prefix)
                   .arg(bounds[i])
                   .arg(buckets[i]);
    out += QStringLiteral("%1_bucket{%2le=\"+Inf\"} %3\n").arg(name, prefix).arg(count);
    out += QStringLiteral("%1_sum%2 %3\n").arg(name, own).arg(sum);
    out += QStringLiteral("%1_count%2 %3\n").arg(name, own).arg(count);
    return out;
}

void ServerMetrics::fanOut(double seconds)
{
    m_fanOut.observe(seconds);
}

QString ServerMetrics::routeOf(const QString& path)
{
    // Fixed segments stay; anything else (a module, an id, a token) becomes a placeholder.
    static const QStringList fixed{
        QStringLiteral("api"),     QStringLiteral("records"),  QStringLiteral("changes"),
        QStringLiteral("login"),   QStringLiteral("logout"),   QStringLiteral("token"),
        QStringLiteral("refresh"), QStringLiteral("me"),       QStringLiteral("users"),
        QStringLiteral("picture"), QStringLiteral("tasks"),    QStringLiteral("output"),
        QStringLiteral("report"),  QStringLiteral("health"),   QStringLiteral("ready"),
        QStringLiteral("metrics"), QStringLiteral("events"),   QStringLiteral("cancel"),
        QStringLiteral("retry"),   QStringLiteral("socket.io")};
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    if (parts.size() > 6)
        return QStringLiteral("/other");
    QString route;
    for (const QString& part : parts)
        route += u'/' + (fixed.contains(part) ? part : QStringLiteral("{}"));
    return route.isEmpty() ? QStringLiteral("/") : route;
}

void ServerMetrics::httpRequest(const QString& path, int status, double seconds)
{
    const QString route = routeOf(path);
    ++m_http[{route, status}];
    m_httpSeconds[route].observe(seconds);
}

void ServerMetrics::taskRows(const QString& kind, qint64 rows)
{
    if (rows > 0)
        m_taskRows[kind] += static_cast<std::uint64_t>(rows);
}

QString ServerMetrics::render(const Snapshot& snapshot) const
{
    const qint64 connections = snapshot.connections;
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
    metric("crm_rate_limited_sockets_total", "counter", "Sockets closed for sending too fast.");
    out += QStringLiteral("crm_rate_limited_sockets_total %1\n").arg(m_rateLimited);
    metric("crm_connects_refused_total", "counter", "CONNECTs refused (auth, socket cap).");
    out += QStringLiteral("crm_connects_refused_total %1\n").arg(m_connectsRefused);
    if (const auto& cluster = snapshot.cluster) {
        metric("crm_cluster_redis_up", "gauge",
               "1 while this node reaches the cluster's Redis; 0: degraded, other nodes' changes "
               "come from the database's log.");
        out += QStringLiteral("crm_cluster_redis_up %1\n").arg(cluster->redisUp ? 1 : 0);
        metric("crm_cluster_peers", "gauge", "Other nodes heard from within the expiry.");
        out += QStringLiteral("crm_cluster_peers %1\n").arg(cluster->peers);
        metric("crm_cluster_messages_total", "counter", "Messages on the cluster bus.");
        out += QStringLiteral("crm_cluster_messages_total{direction=\"out\"} %1\n"
                              "crm_cluster_messages_total{direction=\"in\"} %2\n")
                   .arg(cluster->published)
                   .arg(cluster->heard);
        metric("crm_cluster_redis_outages_total", "counter", "Times Redis went away.");
        out += QStringLiteral("crm_cluster_redis_outages_total %1\n").arg(cluster->outages);
        metric("crm_cluster_gap_fills_total", "counter",
               "Times changes were read from the log because no message announced them.");
        out += QStringLiteral("crm_cluster_gap_fills_total %1\n").arg(cluster->gapsFilled);
        metric("crm_cluster_duplicates_dropped_total", "counter",
               "Changes heard again after they were delivered (dropped).");
        out += QStringLiteral("crm_cluster_duplicates_dropped_total %1\n")
                   .arg(cluster->duplicatesDropped);
        metric("crm_cluster_log_poll_seconds", "gauge",
               "How often the change log is read for changes of other nodes.");
        out += QStringLiteral("crm_cluster_log_poll_seconds %1\n")
                   .arg(double(cluster->pollMs) / 1000.0);
    }
    metric("crm_fanout_seconds", "histogram", "Commit to last recipient written.");
    out += m_fanOut.render(QStringLiteral("crm_fanout_seconds"));
    metric("crm_http_request_duration_seconds", "histogram",
           "REST requests, from their bytes read to the answer made, by route.");
    for (const auto& [route, histogram] : m_httpSeconds)
        out += histogram.render(QStringLiteral("crm_http_request_duration_seconds"),
                                QStringLiteral("route=\"%1\"").arg(route));
    metric("crm_db_query_duration_seconds", "histogram", "SQL statements, prepare to done.");
    out += m_database.render(QStringLiteral("crm_db_query_duration_seconds"));
    metric("crm_http_requests_total", "counter", "REST requests answered, by route and status.");
    for (const auto& [key, count] : m_http)
        out += QStringLiteral("crm_http_requests_total{route=\"%1\",code=\"%2\"} %3\n")
                   .arg(key.first)
                   .arg(key.second)
                   .arg(count);
    metric("crm_tasks", "gauge", "Tasks by status.");
    for (auto it = snapshot.tasksByStatus.cbegin(); it != snapshot.tasksByStatus.cend(); ++it)
        out += QStringLiteral("crm_tasks{status=\"%1\"} %2\n").arg(it.key()).arg(it.value());
    metric("crm_task_rows_total", "counter",
           "Rows tasks processed (imported, exported, compared).");
    for (const auto& [kind, rows] : m_taskRows)
        out += QStringLiteral("crm_task_rows_total{kind=\"%1\"} %2\n").arg(kind).arg(rows);
    metric("crm_build_info", "gauge", "The running crm-server's version and revision.");
    out += QStringLiteral("crm_build_info{version=\"%1\",revision=\"%2\",qt=\"%3\"} 1\n")
               .arg(buildinfo::version(), buildinfo::revision(), QString::fromLatin1(qVersion()));
    out += ProcessMetrics::render();
    return out;
}

} // namespace crm
