#pragma once

// A blocking REST call for tests: runs the event loop until the answer is there.
#include "realtime/restclient.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#include <optional>

namespace crm::test {

inline RestReply restCall(const QUrl& server, const QString& token, const QByteArray& verb,
                          const QString& path, const QJsonObject& body = {})
{
    RestClient rest;
    rest.setBaseUrl(server);
    rest.setBearerToken(token);
    std::optional<RestReply> reply;
    auto done = [&](const RestReply& r) { reply = r; };
    if (verb == "GET")
        rest.get(path, done);
    else if (verb == "POST")
        rest.post(path, body, done);
    else if (verb == "PUT")
        rest.put(path, body, done);
    else if (verb == "PATCH")
        rest.patch(path, body, done);
    else if (verb == "DELETE")
        rest.remove(path, done);
    else
        FAIL("unsupported verb");
    REQUIRE(waitUntil([&] { return reply.has_value(); }, std::chrono::seconds(30)));
    return *reply;
}

} // namespace crm::test
