#include "app/recordopener.h"

#include "app/desktopsession.h"
#include "protocol/recordschema.h"
#include "ui/mainwindow.h"

#include <QMessageBox>

namespace crm {

namespace {
constexpr std::chrono::seconds kGrace{3};
}

RecordOpener::RecordOpener(MainWindow& window, DesktopSession& session, QObject* parent)
    : QObject(parent), m_window(window), m_session(session)
{
    m_grace.setSingleShot(true);
    m_grace.setInterval(kGrace);
    connect(&m_grace, &QTimer::timeout, this, [this] {
        if (!tryOpen())
            giveUp();
    });
}

void RecordOpener::show(const LaunchRequest& request)
{
    stopWaiting();
    for (int i = 0; i < m_session.tables().size(); ++i) {
        if (m_session.tables().at(i)->spec().name == request.module)
            m_window.showModule(i);
    }
    if (request.recordId.isEmpty())
        return;
    m_pending = request;
    if (tryOpen())
        return;
    // It may come with the next catch-up (a first start, a reconnect) or the live stream.
    m_waits << connect(&m_session.core(), &ClientCore::caughtUp, this, [this] {
        if (!tryOpen())
            m_grace.start();
    });
    for (auto* table : m_session.tables())
        m_waits << connect(table, &QAbstractItemModel::rowsInserted, this, [this] { tryOpen(); });
    if (m_session.engine().isCaughtUp())
        m_grace.start();
    qCInfo(lcLaunch) << "waiting for" << request.module << request.recordId;
}

bool RecordOpener::tryOpen()
{
    if (!m_pending)
        return false;
    for (auto* table : m_session.tables()) {
        const QString module = table->spec().name;
        if ((m_pending->module.isEmpty() || module == m_pending->module) &&
            table->rowOf(m_pending->recordId) >= 0) {
            m_window.openRecord(module, m_pending->recordId);
            qCInfo(lcLaunch) << "opened" << module << m_pending->recordId;
            stopWaiting();
            return true;
        }
    }
    return false;
}

void RecordOpener::stopWaiting()
{
    m_pending.reset();
    m_grace.stop();
    for (const auto& wait : std::as_const(m_waits))
        disconnect(wait);
    m_waits.clear();
}

void RecordOpener::giveUp()
{
    if (!m_pending)
        return;
    const auto* spec = RecordSchema::instance().module(m_pending->module);
    const QString what = spec ? spec->singular : tr("record");
    const QString id = m_pending->recordId;
    qCInfo(lcLaunch) << "not found after catching up:" << m_pending->module << id;
    stopWaiting();
    auto* box = new QMessageBox(QMessageBox::Information, tr("Record not found"),
                                tr("The link's %1 (%2) is not among your records: it was "
                                   "deleted, or it is not shared with you.")
                                    .arg(what, id),
                                QMessageBox::Ok, &m_window);
    box->setTextFormat(Qt::PlainText); // the id came from outside
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace crm
