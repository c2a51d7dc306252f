#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace crm::test {

// Runs one of the stock npm Socket.IO peers in tests/interop (installed by the README's test
// command from its lockfile).
class NodePeer
{
public:
    ~NodePeer();

    // Why the peers cannot run (node or node_modules missing), or empty when they can.
    static QString unavailableReason();

    // Starts a server script of tests/interop (sio-server.js unless told) and waits for its
    // "PORT n" line.
    bool startServer(const QStringList& args, quint16 port = 0,
                     const QString& script = QStringLiteral("sio-server.js"));
    quint16 port() const { return m_port; }
    qint64 processId() const { return m_process.processId(); }
    // SIGKILL: the server vanishes without closing anything, as a crashed process does.
    void kill();

    struct ClientRun
    {
        int exitCode = -1;
        QJsonObject result;
        QString stderrText;
    };
    // Runs sio-client.js to completion while the event loop keeps serving our side.
    static ClientRun runClient(const QString& url, const QString& token);
    // Runs any script in tests/interop with these arguments, the same way.
    static ClientRun runScript(const QString& script, const QStringList& args);

private:
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace crm::test
