#pragma once

#include <functional>
#include <QJsonArray>
#include <QObject>

namespace crm {

class LocalStore;
class RestClient;

// The agent's brokerage as people (docs/protocol.md 6), part of ClientCore: the user directory
// (GET /api/users) kept in the profile so names work offline, and everyone's picture. Answers
// come as signals; a failed read keeps what the profile has and is tried again at the next
// catch-up or user:picture.
class DirectoryClient : public QObject
{
    Q_OBJECT
public:
    // Empty when done, else why not, for the agent.
    using Done = std::function<void(const QString& problem)>;

    DirectoryClient(RestClient& rest, LocalStore& store, QObject* parent = nullptr);

    // The directory as last kept: [{"id", "name", "teamId", "role", "pictureVersion"}].
    QJsonArray keptUsers() const;
    void refresh();

    // A user's picture as the server has it now: pictureFetched, pictureGone when they have
    // none any more, or pictureNotFetched.
    void fetchPicture(const QString& userId);
    // The agent's own picture (a PNG) set or removed; user:picture then tells everyone.
    void setOwnPicture(const QByteArray& png, Done done);
    void removeOwnPicture(Done done);

signals:
    void usersReceived(const QJsonArray& users);
    void pictureFetched(const QString& userId, qint64 version, const QByteArray& png);
    void pictureGone(const QString& userId);
    // Neither: the server could not be asked or answered something unreadable (try later).
    void pictureNotFetched(const QString& userId);

private:
    RestClient& m_rest;
    LocalStore& m_store;
};

} // namespace crm
