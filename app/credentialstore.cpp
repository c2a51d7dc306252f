#include "app/credentialstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcCredentials, "crm.app.credentials")

namespace crm {

namespace {

const QString kChunkHeader = QStringLiteral("crm-chunks:");

QString tr(const char* text)
{
    return QCoreApplication::translate("CredentialStore", text);
}

QString partKey(const QString& key, int index)
{
    return key + u'#' + QString::number(index);
}

QString describe(const QKeychain::Job* job)
{
    // Plain words first, with what to do; the library's own text (often a D-Bus launcher's
    // complaint) only goes to the log, where it helps whoever debugs the desktop session.
    qCInfo(lcCredentials) << "keychain error" << job->error() << job->errorString();
    switch (job->error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::OtherError:
        return tr("This computer has no keychain that answers (no secret service is running in "
                  "this desktop session), so the sign-in cannot be kept safely.");
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return tr("The keychain refused to keep the sign-in. Unlock the keychain, or allow "
                  "crm-desktop to use it, and try again.");
    default:
        return tr("The keychain could not keep the sign-in (%1).").arg(job->errorString());
    }
}

} // namespace

CredentialStore::CredentialStore(Backend backend, QString service, QString fileDir, QObject* parent)
    : QObject(parent), m_backend(backend), m_service(std::move(service)),
      m_fileDir(std::move(fileDir))
{}

QString CredentialStore::filePath() const
{
    return QDir(m_fileDir).filePath(QStringLiteral("credentials.json"));
}

void CredentialStore::enqueue(Step step)
{
    m_queue.push_back(std::move(step));
    if (!m_busy)
        runNext();
}

void CredentialStore::runNext()
{
    if (m_queue.empty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    Step step = std::move(m_queue.front());
    m_queue.pop_front();
    step([this] { runNext(); });
}

void CredentialStore::read(const QString& key, ReadDone done)
{
    enqueue([this, key, done = std::move(done)](std::function<void()> next) {
        readEntry(key, [this, key, done, next](const std::optional<QString>& value,
                                               const QString& error) {
            if (value && value->startsWith(kChunkHeader)) {
                const int count = value->mid(kChunkHeader.size()).toInt();
                readParts(key, count, 1, {},
                          [done, next](const std::optional<QString>& whole, const QString& e) {
                              done(whole, e);
                              next();
                          });
                return;
            }
            done(value, error);
            next();
        });
    });
}

void CredentialStore::readParts(const QString& key, int count, int index, QString text,
                                ReadDone done)
{
    if (index > count) {
        done(text, {});
        return;
    }
    readEntry(partKey(key, index), [=, this](const std::optional<QString>& part,
                                             const QString& error) {
        if (!part) {
            done(std::nullopt,
                 error.isEmpty() ? tr("Part %1 of the stored value is missing").arg(index) : error);
            return;
        }
        readParts(key, count, index + 1, text + *part, done);
    });
}

void CredentialStore::write(const QString& key, const QString& value, Done done)
{
    enqueue([this, key, value, done = std::move(done)](std::function<void()> next) {
        auto finish = [done, next](const QString& error) {
            done(error);
            next();
        };
        if (m_backend != Backend::Keychain || value.size() <= kChunkChars) {
            writeEntry(key, value, [this, key, finish](const QString& error) {
                if (!error.isEmpty() || m_backend != Backend::Keychain)
                    return finish(error);
                removeParts(key, 1, [finish](const QString&) { finish({}); });
            });
            return;
        }
        // Parts first, then the header that points at them, then leftovers of a longer value.
        const int count = static_cast<int>((value.size() + kChunkChars - 1) / kChunkChars);
        // The step holds itself only weakly (a strong self-reference would never be freed);
        // the keychain job's callback holds it strongly until the next part is written.
        auto writePart = std::make_shared<std::function<void(int)>>();
        const std::weak_ptr<std::function<void(int)>> step = writePart;
        *writePart = [=, this](int index) {
            if (index > count) {
                writeEntry(
                    key, kChunkHeader + QString::number(count), [=, this](const QString& error) {
                        if (!error.isEmpty())
                            return finish(error);
                        removeParts(key, count + 1, [finish](const QString&) { finish({}); });
                    });
                return;
            }
            writeEntry(partKey(key, index), value.mid((index - 1) * kChunkChars, kChunkChars),
                       [=, self = step.lock()](const QString& error) {
                           if (!error.isEmpty())
                               return finish(error);
                           (*self)(index + 1);
                       });
        };
        (*writePart)(1);
    });
}

void CredentialStore::remove(const QString& key, Done done)
{
    enqueue([this, key, done = std::move(done)](std::function<void()> next) {
        removeEntry(key, [this, key, done, next](const QString& error) {
            if (!error.isEmpty() || m_backend != Backend::Keychain) {
                done(error);
                next();
                return;
            }
            removeParts(key, 1, [done, next](const QString&) {
                done({});
                next();
            });
        });
    });
}

void CredentialStore::removeParts(const QString& key, int index, Done done)
{
    // Parts are numbered from 1 without gaps: stop at the first one that is not there.
    readEntry(partKey(key, index), [=, this](const std::optional<QString>& part, const QString&) {
        if (!part)
            return done({});
        removeEntry(partKey(key, index),
                    [=, this](const QString&) { removeParts(key, index + 1, done); });
    });
}

namespace {

QJsonObject readFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    QJsonParseError parse;
    const auto document = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!document.isObject()) {
        *error = tr("%1 is damaged: %2").arg(path, parse.errorString());
        return {};
    }
    return document.object();
}

QString writeFile(const QString& path, const QJsonObject& entries)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    // Owner-only before the first byte lands, so the secret is never readable by others.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(entries).toJson());
    if (!file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

// "This session only" secrets belong to the process, not to one store object: the sign-in
// dialog's account and the window's account of the same profile must see the same sign-in, or
// the window asks again at once (and again, forever).
QHash<QString, QString>& processSecrets()
{
    static QHash<QString, QString> secrets;
    return secrets;
}

} // namespace

void CredentialStore::readEntry(const QString& key, ReadDone done)
{
    if (m_backend == Backend::Memory) {
        const auto it = processSecrets().constFind(key);
        return done(it != processSecrets().cend() ? std::optional<QString>(*it) : std::nullopt, {});
    }
    if (m_backend == Backend::File) {
        QString error;
        const QJsonObject entries = readFile(filePath(), &error);
        if (!error.isEmpty())
            return done(std::nullopt, error);
        const QJsonValue value = entries.value(key);
        return done(value.isString() ? std::optional<QString>(value.toString()) : std::nullopt, {});
    }
    auto* job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* finished) {
        auto* reader = static_cast<QKeychain::ReadPasswordJob*>(finished);
        if (reader->error() == QKeychain::EntryNotFound)
            return done(std::nullopt, {});
        if (reader->error() != QKeychain::NoError) {
            qCInfo(lcCredentials) << "keychain read failed:" << reader->errorString();
            return done(std::nullopt, describe(reader));
        }
        done(reader->textData(), {});
    });
    job->start();
}

void CredentialStore::writeEntry(const QString& key, const QString& value, Done done)
{
    if (m_backend == Backend::Memory) {
        processSecrets().insert(key, value);
        return done({});
    }
    if (m_backend == Backend::File) {
        QString error;
        QJsonObject entries = readFile(filePath(), &error);
        if (!error.isEmpty() && QFile::exists(filePath()))
            qCWarning(lcCredentials) << "replacing an unreadable credentials file:" << error;
        entries.insert(key, value);
        if (!QDir().mkpath(m_fileDir))
            return done(tr("Cannot create %1").arg(m_fileDir));
        QFile::setPermissions(m_fileDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                             QFileDevice::ExeOwner);
        return done(writeFile(filePath(), entries));
    }
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* finished) {
        if (finished->error() != QKeychain::NoError) {
            qCInfo(lcCredentials) << "keychain write failed:" << finished->errorString();
            return done(describe(finished));
        }
        done({});
    });
    job->start();
}

void CredentialStore::removeEntry(const QString& key, Done done)
{
    if (m_backend == Backend::Memory) {
        processSecrets().remove(key);
        return done({});
    }
    if (m_backend == Backend::File) {
        QString error;
        QJsonObject entries = readFile(filePath(), &error);
        if (!error.isEmpty())
            return done(error);
        if (!entries.contains(key))
            return done({});
        entries.remove(key);
        return done(writeFile(filePath(), entries));
    }
    auto* job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* finished) {
        // Already gone is what the caller wanted.
        if (finished->error() != QKeychain::NoError &&
            finished->error() != QKeychain::EntryNotFound)
            return done(describe(finished));
        done({});
    });
    job->start();
}

namespace {

// Runs one queued job to its end in a local event loop.
void waitFor(const std::function<void(std::function<void()> finished)>& start)
{
    QEventLoop loop;
    bool done = false;
    start([&] {
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
}

} // namespace

std::optional<QString> CredentialStore::readNow(const QString& key, QString* error)
{
    std::optional<QString> result;
    waitFor([&](const std::function<void()>& finished) {
        read(key, [&, finished](const std::optional<QString>& value, const QString& e) {
            result = value;
            *error = e;
            finished();
        });
    });
    return result;
}

bool CredentialStore::writeNow(const QString& key, const QString& value, QString* error)
{
    waitFor([&](const std::function<void()>& finished) {
        write(key, value, [&, finished](const QString& e) {
            *error = e;
            finished();
        });
    });
    return error->isEmpty();
}

bool CredentialStore::removeNow(const QString& key, QString* error)
{
    waitFor([&](const std::function<void()>& finished) {
        remove(key, [&, finished](const QString& e) {
            *error = e;
            finished();
        });
    });
    return error->isEmpty();
}

} // namespace crm
