#pragma once

#include "app/launchrequest.h"

#include <optional>
#include <QList>
#include <QObject>
#include <QTimer>

namespace crm {

class DesktopSession;
class MainWindow;

// Shows in a window what a launch asked for (LaunchRequest): the module, then the record. A
// record not in the local copy yet (a first start, a link to a record made a moment ago) opens
// as soon as it arrives, by a catch-up or the live stream. Once the copy is complete and a short
// grace has passed without it, the agent is told which record was not found. Only the newest
// request waits: a later launch replaces it, so an old link never takes the screen later.
class RecordOpener : public QObject
{
    Q_OBJECT
public:
    RecordOpener(MainWindow& window, DesktopSession& session, QObject* parent = nullptr);

    void show(const LaunchRequest& request);

private:
    bool tryOpen();
    void stopWaiting();
    void giveUp();

    MainWindow& m_window;
    DesktopSession& m_session;
    std::optional<LaunchRequest> m_pending;
    QList<QMetaObject::Connection> m_waits;
    QTimer m_grace; // caught up and still missing: the live stream may be a moment behind
};

} // namespace crm
