#pragma once

#include <chrono>
#include <memory>
#include <QObject>
#include <QStringList>

class QLocalServer;
class QLocalSocket;
class QLockFile;

namespace crm {

// One crm-desktop per profile. The first process to open a profile holds its lock file and
// listens on a local socket named after it (in the user's private runtime folder); a later
// launch for the same profile hands its request (`--record`, a crm:// link) to that process and
// exits. So two processes never open the same local store and outbox, and a link clicked in a
// browser lands in the open window.
class ProfileInstance : public QObject
{
    Q_OBJECT
public:
    enum class Claim
    {
        Primary,   // this process holds the profile; argumentsReceived() brings later launches
        HandedOff, // another process holds it and has taken the request: exit
        Busy,      // another process holds it and did not answer in time: error() says so
        Refused,   // the profile folder cannot be locked at all (permissions): error() says why
    };

    explicit ProfileInstance(const QString& profileDir, QObject* parent = nullptr);
    ~ProfileInstance() override;

    // Takes the profile, or hands `arguments` to the process that has it, trying both until
    // `patience` runs out (the holder may be starting, or closing: then this one takes over).
    // A request that arrives after `patience` has passed is dropped by the holder: the launch
    // that sent it has given up and said so.
    Claim claim(const QStringList& arguments,
                std::chrono::milliseconds patience = std::chrono::seconds(5));
    QString error() const { return m_error; }

    // The local socket's address for a profile: per user and per profile folder.
    static QString socketNameFor(const QString& profileDir);

signals:
    // `activationToken`: the launcher's XDG_ACTIVATION_TOKEN, so that the window may come to
    // the front under a compositor that prevents focus stealing.
    void argumentsReceived(const QStringList& arguments, const QString& activationToken);

private:
    bool listen();
    enum class HandOff
    {
        Taken,
        NoAnswer,
        NobodyListening,
    };
    HandOff handOff(const QByteArray& message, std::chrono::milliseconds patience);
    void serve(QLocalSocket* socket);
    QString busyMessage() const;

    QString m_profileDir;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer* m_server = nullptr;
    QString m_error;
};

} // namespace crm
