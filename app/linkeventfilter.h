#pragma once

#include "app/launchrequest.h"

#include <optional>
#include <QObject>

namespace crm {

// crm:// links that the system hands to the running application as events (macOS opens URLs
// with a FileOpen event, never with a new process): parsed into a LaunchRequest, or refused
// with the reason. A link that comes before any window exists waits in takePending().
class LinkEventFilter : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    std::optional<LaunchRequest> takePending() { return std::exchange(m_pending, std::nullopt); }

signals:
    void requested(const crm::LaunchRequest& request);
    void refused(const QString& why);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    std::optional<LaunchRequest> m_pending;
};

} // namespace crm
