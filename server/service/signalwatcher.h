#pragma once

#include <QObject>

class QSocketNotifier;

namespace crm {

// SIGTERM / SIGINT (stop) and SIGHUP (reload) as Qt signals on the event loop. A Unix signal
// handler may do almost nothing safely; it writes the signal's number to a socket pair whose
// other end a QSocketNotifier reads, so the work happens between events like any other.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;

signals:
    void stopRequested(int signal); // SIGTERM or SIGINT
    void reloadRequested();         // SIGHUP

private:
    void onReadable();

    QSocketNotifier* m_notifier = nullptr;
};

} // namespace crm
