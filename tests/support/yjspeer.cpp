#include "support/yjspeer.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace crm::test {

namespace {

QString interopFile(const QString& name)
{
    return QDir(QStringLiteral(CRM_INTEROP_DIR)).filePath(name);
}

QByteArray bytesOf(const QJsonValue& value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

QString base64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

} // namespace

QString YjsPeer::unavailableReason()
{
    if (!QFileInfo::exists(QStringLiteral(CRM_NODE_EXECUTABLE)))
        return QStringLiteral("node is not installed (run scripts/install-deps.sh)");
    if (!QFileInfo::exists(interopFile(QStringLiteral("node_modules/yjs/package.json"))))
        return QStringLiteral("npm yjs missing in tests/interop (run scripts/install-deps.sh)");
    return {};
}

YjsPeer::YjsPeer()
{
    m_process.setProgram(QStringLiteral(CRM_NODE_EXECUTABLE));
    m_process.setArguments({interopFile(QStringLiteral("yjs-peer.js"))});
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start();
    m_process.waitForStarted(10000);
}

YjsPeer::~YjsPeer()
{
    m_process.closeWriteChannel();
    if (!m_process.waitForFinished(3000))
        m_process.kill();
    m_process.waitForFinished(3000);
}

QJsonObject YjsPeer::run(const QJsonObject& command)
{
    m_lastError.clear();
    m_process.write(QJsonDocument(command).toJson(QJsonDocument::Compact) + '\n');
    while (!m_process.canReadLine()) {
        if (!m_process.waitForReadyRead(30000)) {
            m_lastError =
                QStringLiteral("yjs-peer.js did not answer: %1").arg(m_process.errorString());
            return {};
        }
    }
    const QJsonObject answer = QJsonDocument::fromJson(m_process.readLine()).object();
    if (!answer.value(QStringLiteral("ok")).toBool())
        m_lastError = answer.value(QStringLiteral("error")).toString();
    return answer;
}

void YjsPeer::newDoc(const QString& doc, quint64 client, const QString& root, bool undo)
{
    run({{QStringLiteral("cmd"), QStringLiteral("new")},
         {QStringLiteral("doc"), doc},
         {QStringLiteral("client"), double(client)},
         {QStringLiteral("root"), root},
         {QStringLiteral("undo"), undo}});
}

QByteArray YjsPeer::insert(const QString& doc, qsizetype index, const QString& text)
{
    return bytesOf(run({{QStringLiteral("cmd"), QStringLiteral("insert")},
                        {QStringLiteral("doc"), doc},
                        {QStringLiteral("index"), double(index)},
                        {QStringLiteral("text"), text}})
                       .value(QStringLiteral("update")));
}

QByteArray YjsPeer::remove(const QString& doc, qsizetype index, qsizetype length)
{
    return bytesOf(run({{QStringLiteral("cmd"), QStringLiteral("delete")},
                        {QStringLiteral("doc"), doc},
                        {QStringLiteral("index"), double(index)},
                        {QStringLiteral("length"), double(length)}})
                       .value(QStringLiteral("update")));
}

QByteArray YjsPeer::format(const QString& doc, qsizetype index, qsizetype length,
                           const QJsonObject& attributes)
{
    return bytesOf(run({{QStringLiteral("cmd"), QStringLiteral("format")},
                        {QStringLiteral("doc"), doc},
                        {QStringLiteral("index"), double(index)},
                        {QStringLiteral("length"), double(length)},
                        {QStringLiteral("attributes"), attributes}})
                       .value(QStringLiteral("update")));
}

QByteArray YjsPeer::embed(const QString& doc, qsizetype index, const QJsonObject& value)
{
    return bytesOf(run({{QStringLiteral("cmd"), QStringLiteral("embed")},
                        {QStringLiteral("doc"), doc},
                        {QStringLiteral("index"), double(index)},
                        {QStringLiteral("value"), value}})
                       .value(QStringLiteral("update")));
}

bool YjsPeer::apply(const QString& doc, const QByteArray& update)
{
    return run({{QStringLiteral("cmd"), QStringLiteral("apply")},
                {QStringLiteral("doc"), doc},
                {QStringLiteral("update"), base64(update)}})
        .value(QStringLiteral("ok"))
        .toBool();
}

YjsPeer::State YjsPeer::state(const QString& doc)
{
    const QJsonObject answer =
        run({{QStringLiteral("cmd"), QStringLiteral("state")}, {QStringLiteral("doc"), doc}});
    return {answer.value(QStringLiteral("text")).toString(),
            bytesOf(answer.value(QStringLiteral("stateVector"))),
            bytesOf(answer.value(QStringLiteral("full"))),
            answer.value(QStringLiteral("pending")).toBool()};
}

QByteArray YjsPeer::diff(const QString& doc, const QByteArray& stateVector)
{
    return bytesOf(run({{QStringLiteral("cmd"), QStringLiteral("diff")},
                        {QStringLiteral("doc"), doc},
                        {QStringLiteral("stateVector"), base64(stateVector)}})
                       .value(QStringLiteral("update")));
}

QByteArray YjsPeer::awarenessSet(const QString& doc, const QJsonValue& state)
{
    return bytesOf(run({{QStringLiteral("cmd"), QStringLiteral("awareness-set")},
                        {QStringLiteral("doc"), doc},
                        {QStringLiteral("state"), state}})
                       .value(QStringLiteral("update")));
}

QJsonValue YjsPeer::awarenessApply(const QString& doc, const QByteArray& update)
{
    return run({{QStringLiteral("cmd"), QStringLiteral("awareness-apply")},
                {QStringLiteral("doc"), doc},
                {QStringLiteral("update"), base64(update)}})
        .value(QStringLiteral("changed"));
}

QJsonObject YjsPeer::awarenessStates(const QString& doc)
{
    return run({{QStringLiteral("cmd"), QStringLiteral("awareness-states")},
                {QStringLiteral("doc"), doc}})
        .value(QStringLiteral("states"))
        .toObject();
}

QJsonObject YjsPeer::relativePosition(const QString& doc, qsizetype index, int assoc)
{
    return run({{QStringLiteral("cmd"), QStringLiteral("relative")},
                {QStringLiteral("doc"), doc},
                {QStringLiteral("index"), double(index)},
                {QStringLiteral("assoc"), assoc}})
        .value(QStringLiteral("position"))
        .toObject();
}

qsizetype YjsPeer::absolutePosition(const QString& doc, const QJsonObject& position)
{
    const QJsonValue index = run({{QStringLiteral("cmd"), QStringLiteral("absolute")},
                                  {QStringLiteral("doc"), doc},
                                  {QStringLiteral("position"), position}})
                                 .value(QStringLiteral("index"));
    return index.isDouble() ? qsizetype(index.toDouble()) : -1;
}

QByteArray YjsPeer::undo(const QString& doc)
{
    return bytesOf(
        run({{QStringLiteral("cmd"), QStringLiteral("undo")}, {QStringLiteral("doc"), doc}})
            .value(QStringLiteral("update")));
}

QByteArray YjsPeer::redo(const QString& doc)
{
    return bytesOf(
        run({{QStringLiteral("cmd"), QStringLiteral("redo")}, {QStringLiteral("doc"), doc}})
            .value(QStringLiteral("update")));
}

} // namespace crm::test
