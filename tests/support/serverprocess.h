#pragma once

#include <optional>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace crm::test {

// crm-server as a real process with a data folder of its own, for tests and benchmarks: admin
// commands (users, tokens), then serving on a port, killed and started again at will.
class ServerProcess
{
public:
    explicit ServerProcess(const QString& dataDir);
    ~ServerProcess();

    // A one-off admin command; its stdout, or nullopt when it exits non-zero.
    std::optional<QString> admin(const QStringList& args, const QByteArray& input = {});
    // A user of `team` with a long enough password; their access token.
    std::optional<QString> addUserWithToken(const QString& email,
                                            const QString& team = QStringLiteral("North"));

    // Serves (on `port`, 0 for any) and waits for the "listening" line.
    bool start(const QStringList& extraArgs = {}, quint16 port = 0);
    // SIGKILL: no goodbye, the OS resets every connection.
    void kill();
    void stop();

    quint16 port() const { return m_port; }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    QProcess& process() { return m_process; }

private:
    QStringList m_data;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace crm::test
