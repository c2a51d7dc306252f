#include "app/passwordprompt.h"

#include <cstdio>
#include <string>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <windows.h>
#endif

namespace crm {

namespace {

// Turns terminal echo off for its lifetime, and back on even if reading fails.
class EchoOff
{
public:
    EchoOff()
    {
#ifdef Q_OS_UNIX
        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &m_saved) == 0) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            m_active = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
        }
#elif defined(Q_OS_WIN)
        m_input = GetStdHandle(STD_INPUT_HANDLE);
        if (GetConsoleMode(m_input, &m_saved))
            m_active = SetConsoleMode(m_input, m_saved & ~ENABLE_ECHO_INPUT);
#endif
    }
    ~EchoOff()
    {
        if (!m_active)
            return;
#ifdef Q_OS_UNIX
        tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
#elif defined(Q_OS_WIN)
        SetConsoleMode(m_input, m_saved);
#endif
        std::fputc('\n', stderr);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;
    bool active() const
    {
        return m_active;
    }

private:
    bool m_active = false;
#ifdef Q_OS_UNIX
    termios m_saved{};
#elif defined(Q_OS_WIN)
    HANDLE m_input = nullptr;
    DWORD m_saved = 0;
#endif
};

} // namespace

QString readPassword(const QString& prompt)
{
    EchoOff echoOff;
    if (echoOff.active()) {
        std::fprintf(stderr, "%s", qPrintable(prompt));
        std::fflush(stderr);
    }
    std::string line;
    for (int c = std::fgetc(stdin); c != EOF && c != '\n'; c = std::fgetc(stdin))
        line.push_back(static_cast<char>(c));
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return QString::fromStdString(line);
}

} // namespace crm
