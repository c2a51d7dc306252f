#include "support/nodepeer.h"

#include "support/eventloop.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace crm::test {

namespace {

QString interopPath(const QString& file)
{
    return QDir(QStringLiteral(CRM_INTEROP_DIR)).filePath(file);
}

} // namespace

NodePeer::~NodePeer()
{
    kill();
}

QString NodePeer::unavailableReason()
{
    if (!QFileInfo::exists(QStringLiteral(CRM_NODE_EXECUTABLE)))
        return QStringLiteral("node is not installed (run scripts/install-deps.sh)");
    if (!QFileInfo::exists(interopPath(QStringLiteral("node_modules/socket.io/package.json"))))
        return QStringLiteral("npm peers missing in tests/interop (run scripts/install-deps.sh)");
    return {};
}

bool NodePeer::startServer(const QStringList& args, quint16 port, const QString& script)
{
    m_process.setProgram(QStringLiteral(CRM_NODE_EXECUTABLE));
    m_process.setArguments(
        QStringList{interopPath(script), QStringLiteral("--port"), QString::number(port)} + args);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return false;
    QByteArray out;
    const bool gotPort = waitUntil([&] {
        out += m_process.readAllStandardOutput();
        return out.contains('\n') || m_process.state() == QProcess::NotRunning;
    });
    if (!gotPort || !out.startsWith("PORT "))
        return false;
    m_port = static_cast<quint16>(out.mid(5).trimmed().toUInt());
    return m_port != 0;
}

void NodePeer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

NodePeer::ClientRun NodePeer::runClient(const QString& url, const QString& token)
{
    return runScript(QStringLiteral("sio-client.js"), {url, token});
}

NodePeer::ClientRun NodePeer::runScript(const QString& script, const QStringList& args)
{
    QProcess process;
    process.start(QStringLiteral(CRM_NODE_EXECUTABLE), QStringList{interopPath(script)} + args);
    ClientRun run;
    if (!waitUntil([&] { return process.state() == QProcess::NotRunning; },
                   std::chrono::seconds(20))) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    const QByteArray output = process.readAllStandardOutput();
    run.result = QJsonDocument::fromJson(output).object();
    // What the script printed goes with any failure (the JSON of a run that went wrong, or
    // whatever else reached stdout).
    run.stderrText = QString::fromUtf8(process.readAllStandardError());
    if (run.result.isEmpty())
        run.stderrText += QStringLiteral("\nstdout: ") + QString::fromUtf8(output);
    return run;
}

} // namespace crm::test
