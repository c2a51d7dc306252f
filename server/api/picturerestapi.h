#pragma once

#include "server/storage/identity.h"

#include <optional>
#include <QHttpServerResponse>

class QHttpServer;
class QHttpServerRequest;

namespace crm {

class SyncHub;
class TokenService;
class UserDirectory;
class UserPictureStore;

// People's avatar pictures over REST (docs/protocol.md 6): one sets or removes their own, anyone
// of the brokerage reads anyone's. Each change is announced to the brokerage's sockets as
// user:picture, so every avatar of that person updates at once.
class PictureRestApi
{
public:
    struct Services
    {
        TokenService& tokens;
        UserDirectory& users;
        UserPictureStore& pictures;
        SyncHub& hub;
    };

    PictureRestApi(QHttpServer& http, Services services);

private:
    using Response = QHttpServerResponse;

    // The signed-in person, who alone changes their picture (not an AI agent acting for them).
    std::optional<Identity> pictureOwner(const QHttpServerRequest& request,
                                         std::optional<Response>& failure);
    Response setOwn(const QHttpServerRequest& request);
    Response removeOwn(const QHttpServerRequest& request);
    Response get(const QString& userId, const QHttpServerRequest& request);

    Services m_s;
};

} // namespace crm
