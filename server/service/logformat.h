#pragma once

#include <QString>

namespace crm {

// How crm-server writes its log to stderr (journald, a container's log, a file): every line
// has a UTC timestamp, the level, the category and the message; `json` makes each line one JSON
// object ({"ts", "level", "category", "msg"}) for log shippers. Messages never carry a token or
// a password: the code that logs sees to that, this only frames lines.
class LogFormat
{
public:
    enum class Style
    {
        Text,
        Json
    };

    static void install(Style style);
    // One line as install(style) writes it (tests check the framing through this).
    static QString line(Style style, QtMsgType type, const char* category, const QString& message,
                        const QString& timestamp);
};

} // namespace crm
