#include "ui/mainwindow.h"

#include "models/syncstatus.h"
#include "ui/connectionbadge.h"

#include <QLabel>
#include <QListWidget>
#include <QStatusBar>
#include <QTime>
#include <QToolBar>
#include <QVBoxLayout>

namespace crm {

MainWindow::MainWindow(SyncStatus* status, const QString& serverLabel, QWidget* parent)
    : QMainWindow(parent), m_status(status), m_log(new QListWidget(this)),
      m_summary(new QLabel(this))
{
    setWindowTitle(tr("CRM Desktop - %1").arg(serverLabel));

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    auto* spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    toolbar->addWidget(new ConnectionBadge(status, toolbar));

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    auto* heading = new QLabel(tr("Connection to %1").arg(serverLabel), central);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.3);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    layout->addWidget(heading);
    layout->addWidget(m_summary);
    m_log->setAccessibleName(tr("Connection log"));
    m_log->setAlternatingRowColors(true);
    layout->addWidget(m_log, 1);
    setCentralWidget(central);

    connect(status, &SyncStatus::changed, this, &MainWindow::appendLog);
    appendLog();
    resize(900, 560);
}

void MainWindow::appendLog()
{
    m_summary->setText(m_status->latencyMs() >= 0
                           ? tr("Last round trip: %1 ms").arg(m_status->latencyMs())
                           : tr("No round trip measured yet"));
    // The countdown refreshes every second; log changes of state or reason, not ticks.
    const QString key = QString::number(static_cast<int>(m_status->level())) + m_status->detail();
    if (m_log->count() > 0 && m_log->item(m_log->count() - 1)->data(Qt::UserRole) == key)
        return;
    const QString detail = m_status->detail();
    const QString state = m_status->stateName();
    const QString what = detail.isEmpty()           ? state
                         : detail.startsWith(state) ? detail
                                                    : tr("%1: %2").arg(state, detail);
    auto* item = new QListWidgetItem(
        tr("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), what), m_log);
    item->setData(Qt::UserRole, key);
    m_log->scrollToBottom();
}

} // namespace crm
