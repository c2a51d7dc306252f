#include "app/launchrequest.h"

Q_LOGGING_CATEGORY(lcLaunch, "crm.app.launch", QtInfoMsg)

namespace crm {

namespace {
const QString kModule = QStringLiteral("--module");
const QString kRecord = QStringLiteral("--record");
} // namespace

QStringList LaunchRequest::toArguments() const
{
    QStringList arguments;
    if (!module.isEmpty())
        arguments << kModule << module;
    if (!recordId.isEmpty())
        arguments << kRecord << recordId;
    return arguments;
}

std::optional<LaunchRequest> LaunchRequest::fromArguments(const QStringList& arguments)
{
    LaunchRequest request;
    for (qsizetype i = 0; i + 1 < arguments.size(); i += 2) {
        if (arguments.at(i) == kModule)
            request.module = arguments.at(i + 1);
        else if (arguments.at(i) == kRecord)
            request.recordId = arguments.at(i + 1);
        else
            return std::nullopt;
    }
    if (arguments.size() % 2 != 0)
        return std::nullopt;
    return request;
}

} // namespace crm
