#include "support/serverprocess.h"

#include "support/eventloop.h"

namespace crm::test {

ServerProcess::ServerProcess(const QString& dataDir) : m_data{QStringLiteral("--data"), dataDir} {}

ServerProcess::~ServerProcess()
{
    stop();
}

std::optional<QString> ServerProcess::admin(const QStringList& args, const QByteArray& input)
{
    QProcess command;
    command.start(QStringLiteral(CRM_SERVER_PATH), m_data + args);
    if (!input.isEmpty())
        command.write(input);
    command.closeWriteChannel();
    if (!command.waitForFinished(60000) || command.exitStatus() != QProcess::NormalExit ||
        command.exitCode() != 0)
        return std::nullopt;
    return QString::fromUtf8(command.readAllStandardOutput().trimmed());
}

std::optional<QString> ServerProcess::addUserWithToken(const QString& email, const QString& team)
{
    if (!admin(
            {QStringLiteral("user"), QStringLiteral("add"), email, QStringLiteral("--team"), team},
            "long enough password\n"))
        return std::nullopt;
    return admin({QStringLiteral("token"), QStringLiteral("issue"), email});
}

bool ServerProcess::start(const QStringList& extraArgs, quint16 port)
{
    m_process.start(QStringLiteral(CRM_SERVER_PATH),
                    m_data + QStringList{QStringLiteral("--port"), QString::number(port)} +
                        extraArgs);
    if (!m_process.waitForStarted())
        return false;
    QByteArray out;
    const bool listening = waitUntil([&] {
        out += m_process.readAllStandardOutput();
        return out.contains("listening on") || m_process.state() == QProcess::NotRunning;
    });
    if (!listening || !out.contains("listening on"))
        return false;
    const QByteArray line = out.mid(out.indexOf("listening on")).split('\n').first();
    m_port = static_cast<quint16>(line.mid(line.lastIndexOf(':') + 1).toUInt());
    return m_port != 0;
}

void ServerProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

void ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000))
        kill();
}

} // namespace crm::test
