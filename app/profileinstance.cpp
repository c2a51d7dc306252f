#include "app/profileinstance.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcInstance, "crm.app.instance", QtInfoMsg)

namespace crm {

namespace {

// A hand-off is one line of JSON answered by "ok"; anything longer than this is not one, and
// a client that says nothing for a while is dropped.
constexpr qint64 kMaxMessage = 64 * 1024;
constexpr int kReadTimeoutMs = 5000;
const QByteArray kAccepted = QByteArrayLiteral("ok\n");

QString canonicalProfile(const QString& profileDir)
{
    QDir().mkpath(profileDir);
    const QFileInfo info(profileDir);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

QByteArray userKey()
{
#ifdef Q_OS_UNIX
    return QByteArray::number(::getuid());
#else
    return qgetenv("USERNAME");
#endif
}

} // namespace

ProfileInstance::ProfileInstance(const QString& profileDir, QObject* parent)
    : QObject(parent), m_profileDir(canonicalProfile(profileDir))
{}

ProfileInstance::~ProfileInstance() = default;

QString ProfileInstance::socketNameFor(const QString& profileDir)
{
    const QString name =
        QStringLiteral("crm-desktop-") +
        QString::fromLatin1(
            QCryptographicHash::hash(userKey() + '\0' + canonicalProfile(profileDir).toUtf8(),
                                     QCryptographicHash::Sha256)
                .toHex()
                .left(24));
#ifdef Q_OS_UNIX
    // The user's own runtime folder (0700): nobody else can take the name first, or listen in.
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    const QString path = runtime + u'/' + name;
    if (!runtime.isEmpty() && path.toLocal8Bit().size() < 100)
        return path;
#endif
    return name; // Windows: a named pipe, per session
}

ProfileInstance::Claim ProfileInstance::claim(const QStringList& arguments,
                                              std::chrono::milliseconds patience)
{
    m_error.clear();
    const QDeadlineTimer deadline(patience);
    // The holder drops what arrives after this: by then this launch has told the agent.
    const QByteArray message =
        QJsonDocument(QJsonObject{{QStringLiteral("args"), QJsonArray::fromStringList(arguments)},
                                  {QStringLiteral("deadline"),
                                   QDateTime::currentMSecsSinceEpoch() + patience.count()},
                                  {QStringLiteral("activation"),
                                   qEnvironmentVariable("XDG_ACTIVATION_TOKEN")}})
            .toJson(QJsonDocument::Compact) +
        '\n';
    m_lock = std::make_unique<QLockFile>(
        QDir(m_profileDir).filePath(QStringLiteral("crm-desktop.lock")));
    // Held for the whole session: stale only when the holder's process is gone.
    m_lock->setStaleLockTime(0);
    for (;;) {
        if (m_lock->tryLock(0)) {
            if (!listen())
                qCWarning(lcInstance)
                    << "profile locked, but later launches cannot hand over:" << m_error;
            return Claim::Primary;
        }
        if (m_lock->error() != QLockFile::LockFailedError) {
            m_error =
                tr("Cannot lock the profile folder %1 (%2).")
                    .arg(QDir::toNativeSeparators(m_profileDir),
                         m_lock->error() == QLockFile::PermissionError ? tr("permission denied")
                                                                       : tr("unknown error"));
            m_lock.reset();
            return Claim::Refused;
        }
        const auto left = std::chrono::milliseconds(std::max<qint64>(1, deadline.remainingTime()));
        const HandOff handed = handOff(message, std::min(left, std::chrono::milliseconds(1000)));
        if (handed == HandOff::Taken) {
            m_lock.reset();
            return Claim::HandedOff;
        }
        if (deadline.hasExpired())
            break;
        // Starting (locked, not listening yet) or closing (about to unlock): ask again.
        QThread::msleep(100);
    }
    m_error = busyMessage();
    m_lock.reset();
    return Claim::Busy;
}

bool ProfileInstance::listen()
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString name = socketNameFor(m_profileDir);
    // Only the lock's holder gets here, so a socket file left by a killed holder is stale.
    QLocalServer::removeServer(name);
    if (!m_server->listen(name)) {
        m_error = m_server->errorString();
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket* socket = m_server->nextPendingConnection())
            serve(socket);
    });
    qCInfo(lcInstance) << "holding" << m_profileDir;
    return true;
}

void ProfileInstance::serve(QLocalSocket* socket)
{
    connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(kReadTimeoutMs, socket, [socket] { socket->abort(); });
    connect(socket, &QLocalSocket::readyRead, socket, [this, socket] {
        if (!socket->canReadLine()) {
            if (socket->bytesAvailable() > kMaxMessage)
                socket->abort();
            return;
        }
        const QJsonObject message = QJsonDocument::fromJson(socket->readLine(kMaxMessage)).object();
        if (!message.value(QStringLiteral("args")).isArray()) {
            qCWarning(lcInstance) << "ignored a hand-off that is not a launch request";
            socket->abort();
            return;
        }
        if (message.value(QStringLiteral("deadline")).toInteger() <
            QDateTime::currentMSecsSinceEpoch()) {
            // Its launch gave up waiting (this process was busy) and told the agent so:
            // acting on it now would surprise them.
            qCInfo(lcInstance) << "dropped a hand-off that came too late";
            socket->abort();
            return;
        }
        QStringList arguments;
        for (const auto& value : message.value(QStringLiteral("args")).toArray())
            arguments << value.toString();
        socket->write(kAccepted);
        socket->flush();
        socket->disconnectFromServer();
        qCInfo(lcInstance) << "a later launch handed over" << arguments;
        emit argumentsReceived(arguments, message.value(QStringLiteral("activation")).toString());
    });
}

ProfileInstance::HandOff ProfileInstance::handOff(const QByteArray& message,
                                                  std::chrono::milliseconds patience)
{
    const QDeadlineTimer deadline(patience);
    auto left = [&] { return int(std::max<qint64>(1, deadline.remainingTime())); };
    QLocalSocket socket;
    socket.connectToServer(socketNameFor(m_profileDir));
    if (!socket.waitForConnected(left()))
        return HandOff::NobodyListening;
    socket.write(message);
    if (!socket.waitForBytesWritten(left()))
        return HandOff::NoAnswer;
    QByteArray answer;
    while (!answer.endsWith('\n') && socket.waitForReadyRead(left()))
        answer += socket.readAll();
    return answer == kAccepted ? HandOff::Taken : HandOff::NoAnswer;
}

QString ProfileInstance::busyMessage() const
{
    qint64 pid = 0;
    QString host;
    QString application;
    if (m_lock && m_lock->getLockInfo(&pid, &host, &application)) {
        return tr("This account is open in another crm-desktop window (process %1 on %2), "
                  "which is busy and did not answer. Try again in a moment; if it stays busy, "
                  "finish or close what that window is doing and try again. (Lock: %3)")
            .arg(pid)
            .arg(host, QDir::toNativeSeparators(m_lock->fileName()));
    }
    return tr("This account is open in another crm-desktop window, which is busy and did not "
              "answer. Try again in a moment.");
}

} // namespace crm
