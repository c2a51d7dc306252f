#pragma once

#include <atomic>
#include <optional>
#include <QSqlDatabase>
#include <QString>
#include <QThread>
#include <QTimer>

namespace crm {

// Copies an SQLite WAL back into its database file on a thread of its own, so the writer never
// pays for it. SQLite's automatic checkpoint runs inside whichever commit crosses its threshold,
// and with the fsync it ends in, it was the UI's longest stall (20-30 ms, twice a second while
// 1,000 remote changes a second arrived). A passive checkpoint blocks neither the writer nor
// readers. Requests are coalesced: at most one checkpoint per interval while writes go on,
// nothing at all while the profile is idle.
class WalCheckpointer
{
public:
    // restartFrames: log length (pages) from which each pass also restarts the log (4 MB).
    explicit WalCheckpointer(QString databasePath, int intervalMs = 200, int restartFrames = 1000);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // After a write transaction committed. Cheap and thread-safe.
    void request();
    // Checkpoints that ran to the end (tests, diagnostics).
    int completed() const { return m_completed.load(); }

private:
    struct Pass
    {
        bool busy = false;
        int logFrames = 0;
        int copiedFrames = 0;
    };
    void checkpoint(); // on the worker thread
    std::optional<Pass> run(QSqlDatabase& db, const QString& mode);

    const QString m_path;
    const QString m_connectionName;
    const int m_intervalMs;
    const int m_restartFrames;
    QThread m_thread;
    QObject* m_worker; // lives on m_thread: its timer and queued calls run there
    QTimer* m_delay;   // m_worker's child: coalesces requests into one checkpoint
    std::atomic_bool m_pending{false};
    std::atomic_int m_completed{0};
    bool m_failed = false; // worker thread only: warn once, then leave it to SQLite's own
};

} // namespace crm
