#include "app/profileinstance.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcInstance, "crm.app.instance", QtInfoMsg)

namespace crm {

namespace {

// A hand-off is one line of JSON (the arguments) answered by "ok"; anything longer than this
// is not a command line.
constexpr qint64 kMaxMessage = 64 * 1024;
const QByteArray kAccepted = QByteArrayLiteral("ok\n");

QString canonicalProfile(const QString& profileDir)
{
    QDir().mkpath(profileDir);
    const QFileInfo info(profileDir);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

} // namespace

ProfileInstance::ProfileInstance(const QString& profileDir, QObject* parent)
    : QObject(parent), m_profileDir(canonicalProfile(profileDir))
{}

ProfileInstance::~ProfileInstance() = default;

QString ProfileInstance::socketNameFor(const QString& profileDir)
{
    // A path could be too long for a Unix socket address (108 bytes); a hash of the user and the
    // folder is short, and the same in every process of that user.
    const QByteArray key =
        qgetenv("USER") + qgetenv("USERNAME") + '\0' + canonicalProfile(profileDir).toUtf8();
    return QStringLiteral("crm-desktop-") +
           QString::fromLatin1(
               QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24));
}

ProfileInstance::Claim ProfileInstance::claim(const QStringList& arguments,
                                              std::chrono::milliseconds patience)
{
    m_error.clear();
    m_lock = std::make_unique<QLockFile>(
        QDir(m_profileDir).filePath(QStringLiteral("crm-desktop.lock")));
    // Held for the whole session: staleness is judged only by the holder's process being gone.
    m_lock->setStaleLockTime(0);
    if (m_lock->tryLock(0)) {
        if (!listen())
            qCWarning(lcInstance) << "profile locked, but later launches cannot hand over:"
                                  << m_error;
        return Claim::Primary;
    }
    if (m_lock->error() != QLockFile::LockFailedError) {
        m_error = tr("Cannot lock the profile folder %1 (%2).")
                      .arg(QDir::toNativeSeparators(m_profileDir),
                           m_lock->error() == QLockFile::PermissionError ? tr("permission denied")
                                                                         : tr("unknown error"));
        m_lock.reset();
        return Claim::Busy;
    }
    const bool handed = handOff(arguments, patience);
    if (!handed)
        m_error = busyMessage();
    m_lock.reset();
    return handed ? Claim::HandedOff : Claim::Busy;
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
    connect(socket, &QLocalSocket::readyRead, socket, [this, socket] {
        if (!socket->canReadLine()) {
            if (socket->bytesAvailable() > kMaxMessage)
                socket->abort();
            return;
        }
        const QByteArray line = socket->readLine(kMaxMessage);
        const QJsonDocument message = QJsonDocument::fromJson(line);
        if (!message.isArray()) {
            qCWarning(lcInstance) << "ignored a hand-off that is not a JSON array";
            socket->abort();
            return;
        }
        QStringList arguments;
        for (const auto& value : message.array())
            arguments << value.toString();
        socket->write(kAccepted);
        socket->flush();
        socket->disconnectFromServer();
        qCInfo(lcInstance) << "a later launch handed over" << arguments;
        emit argumentsReceived(arguments);
    });
}

bool ProfileInstance::handOff(const QStringList& arguments, std::chrono::milliseconds patience)
{
    const QByteArray message =
        QJsonDocument(QJsonArray::fromStringList(arguments)).toJson(QJsonDocument::Compact) + '\n';
    const QString name = socketNameFor(m_profileDir);
    const QDeadlineTimer deadline(patience);
    while (!deadline.hasExpired()) {
        QLocalSocket socket;
        socket.connectToServer(name);
        if (socket.waitForConnected(int(std::max<qint64>(1, deadline.remainingTime())))) {
            socket.write(message);
            if (!socket.waitForBytesWritten(int(std::max<qint64>(1, deadline.remainingTime()))))
                return false;
            QByteArray answer;
            while (!answer.endsWith('\n') &&
                   socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
                answer += socket.readAll();
            return answer == kAccepted;
        }
        // The holder may be between taking the lock and listening: ask again shortly.
        QThread::msleep(100);
    }
    return false;
}

QString ProfileInstance::busyMessage() const
{
    qint64 pid = 0;
    QString host;
    QString application;
    if (m_lock && m_lock->getLockInfo(&pid, &host, &application)) {
        return tr("This account is already open in another crm-desktop (process %1 on %2), "
                  "which does not answer. Close that window, or end that process, and start "
                  "crm-desktop again.")
            .arg(pid)
            .arg(host);
    }
    return tr("This account is already open in another crm-desktop, which does not answer. "
              "Close that window and start crm-desktop again.");
}

} // namespace crm
