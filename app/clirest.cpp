#include "app/clirest.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <QCoreApplication>
#include <QEventLoop>

namespace crm {

int signInRest(const CliOptions& options, RestClient& rest, int minimumTimeoutSec)
{
    QString token;
    if (const int status = options.obtainToken(&token); status != 0)
        return status;
    rest.setBaseUrl(options.server);
    rest.setBearerToken(token);
    rest.setTimeout(std::chrono::seconds(std::max(options.timeoutSec, minimumTimeoutSec)));
    return 0;
}

RestReply callRest(RestClient& rest, const QByteArray& verb, const QString& path,
                   const QJsonObject& body)
{
    std::optional<RestReply> reply;
    QEventLoop loop;
    auto done = [&](const RestReply& r) {
        reply = r;
        loop.quit();
    };
    if (verb == "GET")
        rest.get(path, done);
    else
        rest.post(path, body, done);
    if (!reply)
        loop.exec();
    return *reply;
}

int restFailure(const RestReply& reply)
{
    const QString why =
        reply.error.message.isEmpty() ? reply.error.describe() : reply.error.message;
    std::fprintf(stderr, "%s\n",
                 qPrintable(QCoreApplication::translate("crm-cli", "crm-cli: %1").arg(why)));
    std::fflush(stderr);
    if (reply.error.isUnauthorized())
        return 2;
    return reply.error.kind == RestError::Kind::Http ? 6 : 3;
}

} // namespace crm
