#pragma once

#include <QMainWindow>

class QListWidget;
class QLabel;

namespace crm {

class SyncStatus;

// The agent's window. In this build it shows the connection (badge and a log of what the link
// did); record tables and the editor join it with the sync core.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(SyncStatus* status, const QString& serverLabel, QWidget* parent = nullptr);

private:
    void appendLog();

    SyncStatus* m_status;
    QListWidget* m_log;
    QLabel* m_summary;
};

} // namespace crm
