#pragma once

#include <chrono>
#include <optional>

namespace crm {

// When the server's next ping is due at the latest (pingInterval + pingTimeout after the last
// one). Tracked on two clocks because each misses a case: the monotonic clock does not advance
// while a laptop sleeps (so after resume a dead link would look fresh), and the wall clock can
// jump. The link counts as dead as soon as either clock says the window has passed.
class HeartbeatDeadline
{
public:
    using Millis = std::chrono::milliseconds;

    void arm(Millis window);
    void disarm();
    bool isArmed() const { return m_window.has_value(); }
    bool expired() const;
    // Time left by the monotonic clock, for arming a timer; zero when expired.
    Millis remaining() const;
    Millis window() const { return m_window.value_or(Millis(0)); }

private:
    std::optional<Millis> m_window;
    std::chrono::steady_clock::time_point m_steadyStart;
    std::chrono::system_clock::time_point m_wallStart;
};

} // namespace crm
