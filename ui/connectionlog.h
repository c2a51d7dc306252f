#pragma once

#include <QListWidget>

namespace crm {

class SyncStatus;

// What the link did, one line per change of state or reason ("10:14:03  Reconnecting: server
// closed the connection"), for the details panel and support.
class ConnectionLog : public QListWidget
{
    Q_OBJECT
public:
    explicit ConnectionLog(SyncStatus* status, QWidget* parent = nullptr);

private:
    void append();

    SyncStatus* m_status;
};

} // namespace crm
