#include "realtime/heartbeatdeadline.h"

#include <algorithm>

namespace crm {

using std::chrono::duration_cast;

void HeartbeatDeadline::arm(Millis window)
{
    m_window = window;
    m_steadyStart = std::chrono::steady_clock::now();
    m_wallStart = std::chrono::system_clock::now();
}

void HeartbeatDeadline::disarm()
{
    m_window.reset();
}

bool HeartbeatDeadline::expired() const
{
    if (!m_window)
        return false;
    const auto steadyElapsed = std::chrono::steady_clock::now() - m_steadyStart;
    const auto wallElapsed = std::chrono::system_clock::now() - m_wallStart;
    return steadyElapsed >= *m_window || wallElapsed >= *m_window;
}

HeartbeatDeadline::Millis HeartbeatDeadline::remaining() const
{
    if (!m_window || expired())
        return Millis(0);
    const auto steadyElapsed =
        duration_cast<Millis>(std::chrono::steady_clock::now() - m_steadyStart);
    const auto wallElapsed = duration_cast<Millis>(std::chrono::system_clock::now() - m_wallStart);
    return std::max(Millis(0), *m_window - std::max(steadyElapsed, wallElapsed));
}

} // namespace crm
