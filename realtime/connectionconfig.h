#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

namespace crm {

// Everything a ConnectionManager can be tuned with. Defaults suit a desktop client talking to
// crm-server; tests shrink the timings.
struct ConnectionConfig
{
    using Millis = std::chrono::milliseconds;

    QUrl serverUrl;                               // http(s):// or ws(s)://host:port
    QString path = QStringLiteral("/socket.io/"); // Engine.IO endpoint path
    QString nsp = QStringLiteral("/");            // Socket.IO namespace

    Millis backoffBase{1000};
    Millis backoffCap{30000};
    std::optional<std::uint64_t> backoffSeed; // fixed seed for reproducible tests

    // A link must stay up this long before the retry counter resets; a server that accepts and
    // drops at once must not keep clients retrying at the base delay.
    Millis stableAfter{10000};
    // From opening the socket to the namespace being connected.
    Millis connectTimeout{10000};
    Millis defaultAckTimeout{10000};

    qsizetype ephemeralCapacity = 64;

    // Retry at once when the OS says the network came back (QNetworkInformation, where a
    // backend exists).
    bool watchNetwork = true;
    // Check the link at once when a wall-clock gap shows the machine slept (or the process was
    // stopped): a tick every interval, a gap of two intervals or more counts as a resume.
    bool detectResume = true;
    Millis resumeCheckInterval{5000};
    // While a retry waits, a plain TCP connect to the server's host and port every interval
    // (jittered by half either way; zero turns it off). When it succeeds after it had failed,
    // the server is back and the full attempt goes out at once instead of after the backoff.
    Millis probeInterval{1000};

    // TLS settings for wss:// (e.g. a brokerage's own CA); unset: the system's defaults.
    std::optional<QSslConfiguration> tls;

    QUrl socketUrl() const;
};

} // namespace crm
