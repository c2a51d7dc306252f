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
// listens on a local socket named after it; a later launch for the same profile hands its
// arguments (`--record`, a crm:// link) to that process and exits. So two processes never open
// the same local store and outbox, and a link clicked in a browser lands in the open window.
class ProfileInstance : public QObject
{
    Q_OBJECT
public:
    enum class Claim
    {
        Primary,   // this process holds the profile; argumentsReceived() brings later launches
        HandedOff, // another process holds it and has taken the arguments: exit
        Busy,      // another process holds it and does not answer: error() says what to do
    };

    explicit ProfileInstance(const QString& profileDir, QObject* parent = nullptr);
    ~ProfileInstance() override;

    // Takes the profile, or hands `arguments` to the process that has it, waiting at most
    // `patience` for it to answer (it may be starting, between taking the lock and listening).
    Claim claim(const QStringList& arguments,
                std::chrono::milliseconds patience = std::chrono::seconds(5));
    QString error() const { return m_error; }

    // The local socket's name for a profile: per user and per profile folder.
    static QString socketNameFor(const QString& profileDir);

signals:
    void argumentsReceived(const QStringList& arguments);

private:
    bool listen();
    bool handOff(const QStringList& arguments, std::chrono::milliseconds patience);
    void serve(QLocalSocket* socket);
    QString busyMessage() const;

    QString m_profileDir;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer* m_server = nullptr;
    QString m_error;
};

} // namespace crm
