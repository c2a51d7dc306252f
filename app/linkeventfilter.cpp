#include "app/linkeventfilter.h"

#include "models/recordlink.h"

#include <QFileOpenEvent>

namespace crm {

bool LinkEventFilter::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::FileOpen)
        return QObject::eventFilter(watched, event);
    const QUrl url = static_cast<QFileOpenEvent*>(event)->url();
    if (url.scheme().compare(RecordLink::kScheme, Qt::CaseInsensitive) != 0)
        return QObject::eventFilter(watched, event); // a file: not ours to open
    QString error;
    const auto link = RecordLink::parse(url.toString(QUrl::FullyEncoded), &error);
    if (!link) {
        emit refused(tr("%1\n\nA record link reads crm://record/<module>/<id>.").arg(error));
        return true;
    }
    m_pending = LaunchRequest{link->module, link->id};
    emit requested(*m_pending);
    return true;
}

} // namespace crm
