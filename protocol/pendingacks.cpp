#include "protocol/pendingacks.h"

#include "protocol/protocollogging.h"

#include <vector>

namespace crm {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

PendingAcks::PendingAcks(QObject* parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &PendingAcks::expireDue);
}

qint64 PendingAcks::add(AckCallback callback, milliseconds timeout)
{
    const qint64 id = m_nextId++;
    const auto now = Clock::now();
    const auto deadline = now + timeout;
    m_entries.emplace(id, Entry{std::move(callback), now, deadline});
    m_deadlines.emplace(deadline, id);
    if (m_deadlines.begin()->second == id)
        rearm();
    return id;
}

bool PendingAcks::resolve(qint64 id, const QJsonArray& args)
{
    auto it = m_entries.find(id);
    if (it == m_entries.end()) {
        qCDebug(lcProtocol) << "ack" << id << "arrived but nothing waits for it";
        return false;
    }
    Entry entry = std::move(it->second);
    m_entries.erase(it);
    m_deadlines.erase({entry.deadline, id});
    rearm();
    AckOutcome outcome;
    outcome.args = args;
    outcome.roundTrip = duration_cast<milliseconds>(Clock::now() - entry.sentAt);
    if (entry.callback)
        entry.callback(outcome);
    return true;
}

void PendingAcks::failAll(AckOutcome::Status status, const QString& error)
{
    // Callbacks may emit again (into a fresh entry): detach everything first.
    auto entries = std::move(m_entries);
    m_entries.clear();
    m_deadlines.clear();
    m_timer.stop();
    for (auto& [id, entry] : entries) {
        if (entry.callback)
            entry.callback({status, {}, error, {}});
    }
}

void PendingAcks::expireDue()
{
    const auto now = Clock::now();
    std::vector<Entry> expired;
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
        const qint64 id = m_deadlines.begin()->second;
        m_deadlines.erase(m_deadlines.begin());
        auto it = m_entries.find(id);
        expired.push_back(std::move(it->second));
        m_entries.erase(it);
    }
    rearm();
    for (auto& entry : expired) {
        const auto waited = duration_cast<milliseconds>(now - entry.sentAt);
        if (entry.callback)
            entry.callback({AckOutcome::Status::TimedOut,
                            {},
                            tr("No acknowledgement after %1 ms").arg(waited.count()),
                            waited});
    }
}

void PendingAcks::rearm()
{
    if (m_deadlines.empty()) {
        m_timer.stop();
        return;
    }
    const auto wait = duration_cast<milliseconds>(m_deadlines.begin()->first - Clock::now());
    m_timer.start(std::max(milliseconds(0), wait));
}

} // namespace crm
