#pragma once

#include <optional>
#include <QLoggingCategory>
#include <QString>
#include <QStringList>

Q_DECLARE_LOGGING_CATEGORY(lcLaunch)

namespace crm {

// What one launch of crm-desktop asks the window to show: a module (--module) and a record
// (--record, or a crm://record/<module>/<id> link). A later launch for a profile that is open
// already sends it to the running window (ProfileInstance) in the form toArguments() gives.
struct LaunchRequest
{
    QString module;
    QString recordId;

    bool isEmpty() const { return module.isEmpty() && recordId.isEmpty(); }
    QStringList toArguments() const;
    // The request a hand-off carries, or nothing when the message is not one.
    static std::optional<LaunchRequest> fromArguments(const QStringList& arguments);
};

} // namespace crm
