#pragma once

#include <QHttpServerResponse>

class QHttpServer;
class QHttpServerRequest;

namespace crm {

class NoteHub;
class TokenService;
class UserDirectory;

// A record's collaborative notes over REST (docs/protocol.md 6), for scripts, crm-cli and AI
// agents that hold no socket: GET gives the plain text and the whole state (or the text alone
// as text/plain), POST applies one Yjs update exactly as note:update does, and everyone in the
// note sees it at once.
class NoteRestApi
{
public:
    struct Services
    {
        TokenService& tokens;
        UserDirectory& users;
        NoteHub& notes;
    };

    NoteRestApi(QHttpServer& http, Services services);

private:
    using Response = QHttpServerResponse;

    Response get(const QString& module, const QString& id, const QHttpServerRequest& request);
    Response post(const QString& module, const QString& id, const QHttpServerRequest& request);

    Services m_s;
};

} // namespace crm
