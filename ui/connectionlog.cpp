#include "ui/connectionlog.h"

#include "models/syncstatus.h"

#include <QTime>

namespace crm {

ConnectionLog::ConnectionLog(SyncStatus* status, QWidget* parent)
    : QListWidget(parent), m_status(status)
{
    setAccessibleName(tr("Connection log"));
    setAlternatingRowColors(true);
    connect(status, &SyncStatus::changed, this, &ConnectionLog::append);
    append();
}

void ConnectionLog::append()
{
    // The countdown refreshes every second; log changes of state or reason, not ticks.
    const QString key = QString::number(static_cast<int>(m_status->level())) + m_status->detail();
    if (count() > 0 && item(count() - 1)->data(Qt::UserRole) == key)
        return;
    const QString detail = m_status->detail();
    const QString state = m_status->stateName();
    const QString what = detail.isEmpty()           ? state
                         : detail.startsWith(state) ? detail
                                                    : tr("%1: %2").arg(state, detail);
    auto* entry = new QListWidgetItem(
        tr("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), what), this);
    entry->setData(Qt::UserRole, key);
    scrollToBottom();
}

} // namespace crm
