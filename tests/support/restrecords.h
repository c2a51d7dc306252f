// Records made over REST for tests that need one on the server before their clients look.
#pragma once

#include "support/restcall.h"
#include "support/serverfixture.h"

namespace crm::test {

// A new escrow made by the token's holder on that server (or cluster); its id.
inline QString createEscrowOverRest(const QUrl& server, const QString& token, const QString& number)
{
    const QString id = newId();
    const auto reply =
        restCall(server, token, "POST", QStringLiteral("/api/records/escrows"),
                 {{QStringLiteral("id"), id},
                  {QStringLiteral("fields"), QJsonObject{{QStringLiteral("number"), number}}}});
    REQUIRE(reply.httpStatus == 201);
    return id;
}

// A new escrow made by `who`; its id.
inline QString createEscrowOverRest(Server& s, const Identity& who, const QString& number)
{
    return createEscrowOverRest(s.url(), s.token(who), number);
}

} // namespace crm::test
