#include "common/walcheckpointer.h"

#include "common/commonlogging.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QUuid>

namespace crm {

WalCheckpointer::WalCheckpointer(QString databasePath, int intervalMs, int restartFrames)
    : m_path(std::move(databasePath)),
      m_connectionName(QStringLiteral("checkpoint-") + QUuid::createUuid().toString()),
      m_intervalMs(intervalMs), m_restartFrames(restartFrames), m_worker(new QObject),
      m_delay(new QTimer(m_worker))
{
    m_thread.setObjectName(QStringLiteral("crm-wal-checkpoint"));
    m_delay->setSingleShot(true);
    m_delay->setInterval(intervalMs);
    QObject::connect(m_delay, &QTimer::timeout, m_worker, [this] {
        m_pending = false; // commits from here on schedule the next one
        checkpoint();
    });
    m_worker->moveToThread(&m_thread); // the timer, its child, goes along
    // Both run on the worker thread as it ends: its connection closes where it was opened.
    QObject::connect(
        &m_thread, &QThread::finished, m_worker,
        [this] {
            if (QSqlDatabase::contains(m_connectionName)) {
                QSqlDatabase::database(m_connectionName, false).close();
                QSqlDatabase::removeDatabase(m_connectionName);
            }
        },
        Qt::DirectConnection);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
}

WalCheckpointer::~WalCheckpointer()
{
    if (m_thread.isRunning()) {
        m_thread.quit();
        m_thread.wait();
    } else {
        delete m_worker;
    }
}

void WalCheckpointer::request()
{
    if (m_pending.exchange(true))
        return; // one is already scheduled; it will see this commit's frames too
    // Normal priority: at low priority its passes came late on a busy machine and the log grew.
    if (!m_thread.isRunning())
        m_thread.start();
    // A timer starts on its own thread only.
    QMetaObject::invokeMethod(
        m_delay, [delay = m_delay] { delay->start(); }, Qt::QueuedConnection);
}

void WalCheckpointer::checkpoint()
{
    if (m_failed)
        return;
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isOpen()) {
        db.setDatabaseName(m_path);
        // A RESTART waits for the writer's current transaction to end.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
        if (!db.open()) {
            m_failed = true;
            qCWarning(lcSqlite) << "background checkpoints are off:" << db.lastError().text();
            return;
        }
    }
    const auto pass = run(db, QStringLiteral("PASSIVE"));
    if (!pass)
        return;
    // Under a steady stream the writer always appends while a passive pass copies, so the log
    // is never wholly copied when a write starts and it never restarts: it would grow until
    // SQLite's own checkpoint ran in the writer's commit after all. Once it is long, a RESTART
    // right after a passive pass holds writers back only while it copies what arrived during
    // that pass and syncs (about 5 ms here); the next write then starts the log from the top.
    if (pass->logFrames >= m_restartFrames)
        run(db, QStringLiteral("RESTART"));
    // Heavy writing (a quarter of the restart length within one interval): the next passes
    // come four times as often, so the log's length follows the write rate times a short
    // delay, not a long one.
    const bool busyWriter = pass->logFrames >= m_restartFrames / 4;
    m_delay->setInterval(busyWriter ? m_intervalMs / 4 : m_intervalMs);
    ++m_completed;
}

std::optional<WalCheckpointer::Pass> WalCheckpointer::run(QSqlDatabase& db, const QString& mode)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA wal_checkpoint(%1)").arg(mode)) || !query.next()) {
        qCWarning(lcSqlite) << mode << "checkpoint failed:" << query.lastError().text();
        return std::nullopt;
    }
    // (busy, frames in the log, frames copied)
    const Pass pass{query.value(0).toInt() != 0, query.value(1).toInt(), query.value(2).toInt()};
    qCDebug(lcSqlite) << mode << "checkpoint: copied" << pass.copiedFrames << "of" << pass.logFrames
                      << "frames" << (pass.busy ? "(busy)" : "");
    return pass;
}

} // namespace crm
