#pragma once

#include <chrono>
#include <functional>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTest>

namespace crm::test {

// Runs the event loop until the predicate holds or the timeout passes. The timeouts are
// generous ceilings for shared CI machines, not performance assertions.
inline bool waitUntil(const std::function<bool()>& predicate,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10))
{
    return QTest::qWaitFor(predicate, static_cast<int>(timeout.count()));
}

// Runs the event loop for a while, for checking that something does NOT happen.
inline void spin(std::chrono::milliseconds duration)
{
    QTest::qWait(static_cast<int>(duration.count()));
}

} // namespace crm::test
