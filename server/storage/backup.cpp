#include "server/storage/backup.h"

#include "common/buildinfo.h"
#include "server/storage/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUrl>
#include <QUuid>

namespace crm {

namespace {

const QString kSecretFile = QStringLiteral("jwt-secret");
const QString kDatabaseFile = QStringLiteral("crm.sqlite");

// A connection of its own to a backup file, closed and removed when it goes.
class SideConnection
{
public:
    explicit SideConnection(const QString& path, bool readOnly = false)
        : m_name(QUuid::createUuid().toString())
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        if (readOnly)
            m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        m_open = m_db.open();
    }
    ~SideConnection()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool isOpen() const { return m_open; }
    QSqlQuery query() { return QSqlQuery(m_db); }
    QString lastError() const { return m_db.lastError().text(); }

private:
    QString m_name;
    QSqlDatabase m_db;
    bool m_open = false;
};

bool integrityOk(SideConnection& db, QString* error)
{
    QSqlQuery check = db.query();
    if (!check.exec(QStringLiteral("PRAGMA integrity_check")) || !check.next() ||
        check.value(0).toString() != QStringLiteral("ok")) {
        *error = QStringLiteral("the backup failed SQLite's integrity check: %1")
                     .arg(check.isActive() ? check.value(0).toString() : check.lastError().text());
        return false;
    }
    return true;
}

qint64 countRecords(SideConnection& db)
{
    QSqlQuery count = db.query();
    return count.exec(QStringLiteral("SELECT COUNT(*) FROM records")) && count.next()
               ? count.value(0).toLongLong()
               : -1;
}

bool writeSecret(const QString& path, const QByteArray& hex, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(hex) != hex.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QByteArray readSecret(const QString& dataDir, QString* error)
{
    QFile file(QDir(dataDir).filePath(kSecretFile));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the signing secret %1: %2")
                     .arg(file.fileName(), file.errorString());
        return {};
    }
    return file.readAll().trimmed();
}

bool dumpPostgres(Database& db, const QString& dataDir, const QString& file,
                  Backup::Summary* summary, QString* error)
{
    const QString pgDump = QStandardPaths::findExecutable(QStringLiteral("pg_dump"));
    if (pgDump.isEmpty()) {
        *error = QStringLiteral("pg_dump is not installed (Debian: postgresql-client); it makes "
                                "PostgreSQL backups");
        return false;
    }
    const QSqlDatabase& connection = db.connection();
    QProcess dump;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!connection.password().isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), connection.password()); // never on its argv
    dump.setProcessEnvironment(env);
    dump.start(pgDump,
               {QStringLiteral("--format=custom"), QStringLiteral("--no-owner"),
                QStringLiteral("--file=") + file, QStringLiteral("--host=") + connection.hostName(),
                QStringLiteral("--port=") + QString::number(connection.port()),
                QStringLiteral("--username=") + connection.userName(), connection.databaseName()});
    if (!dump.waitForFinished(-1) || dump.exitCode() != 0) {
        *error = QStringLiteral("pg_dump failed: %1")
                     .arg(QString::fromLocal8Bit(dump.readAllStandardError()).trimmed());
        return false;
    }
    const QByteArray secret = readSecret(dataDir, error);
    if (secret.isEmpty() || !writeSecret(file + QStringLiteral(".jwt-secret"), secret, error))
        return false;
    summary->bytes = QFileInfo(file).size();
    summary->schemaVersion = db.schemaVersion();
    return true;
}

} // namespace

bool Backup::create(Database& db, const QString& dataDir, const QString& file, Summary* summary,
                    QString* error)
{
    if (QFileInfo::exists(file)) {
        *error = QStringLiteral("%1 exists already: a backup never overwrites a file").arg(file);
        return false;
    }
    if (db.isPostgres())
        return dumpPostgres(db, dataDir, file, summary, error);
    const QByteArray secret = readSecret(dataDir, error);
    if (secret.isEmpty())
        return false;
    const QString partial = file + QStringLiteral(".partial");
    QFile::remove(partial);
    QSqlQuery vacuum = db.rawQuery();
    QString quoted = QFileInfo(partial).absoluteFilePath();
    quoted.replace(u'\'', QStringLiteral("''"));
    if (!vacuum.exec(QStringLiteral("VACUUM INTO '%1'").arg(quoted))) {
        *error = QStringLiteral("cannot copy the database to %1: %2")
                     .arg(partial, vacuum.lastError().text());
        return false;
    }
    {
        SideConnection copy(partial);
        QSqlQuery meta = copy.query();
        bool ok = copy.isOpen() &&
                  meta.exec(QStringLiteral("CREATE TABLE crm_backup (key TEXT PRIMARY KEY, "
                                           "value TEXT NOT NULL)"));
        const QList<std::pair<QString, QString>> facts{
            {kSecretFile, QString::fromLatin1(secret)},
            {QStringLiteral("version"), buildinfo::versionLine()},
            {QStringLiteral("schemaVersion"), QString::number(db.schemaVersion())},
            {QStringLiteral("createdAt"),
             QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
        for (const auto& [key, value] : facts) {
            ok = ok && meta.prepare(QStringLiteral("INSERT INTO crm_backup VALUES (?, ?)"));
            meta.addBindValue(key);
            meta.addBindValue(value);
            ok = ok && meta.exec();
        }
        if (!ok || !integrityOk(copy, error)) {
            if (error->isEmpty())
                *error = meta.lastError().text();
            QFile::remove(partial);
            return false;
        }
        summary->records = countRecords(copy);
    }
    QFile::setPermissions(partial, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!QFile::rename(partial, file)) {
        *error = QStringLiteral("cannot rename %1 to %2").arg(partial, file);
        QFile::remove(partial);
        return false;
    }
    summary->bytes = QFileInfo(file).size();
    summary->schemaVersion = db.schemaVersion();
    return true;
}

bool Backup::restore(const QString& file, const QString& dataDir, Summary* summary, QString* error)
{
    const QDir data(dataDir);
    if (data.exists(kDatabaseFile) || data.exists(kSecretFile)) {
        *error = QStringLiteral("%1 holds a brokerage already (crm.sqlite or jwt-secret): restore "
                                "into an empty data folder")
                     .arg(dataDir);
        return false;
    }
    if (!QFileInfo(file).isReadable()) {
        *error = QStringLiteral("cannot read the backup %1").arg(file);
        return false;
    }
    QByteArray secret;
    {
        SideConnection backup(file, true);
        if (!backup.isOpen() || !integrityOk(backup, error)) {
            if (error->isEmpty())
                *error = QStringLiteral("%1 is not an SQLite backup of crm-server: %2")
                             .arg(file, backup.lastError());
            return false;
        }
        QSqlQuery meta = backup.query();
        if (!meta.exec(QStringLiteral("SELECT key, value FROM crm_backup"))) {
            *error =
                QStringLiteral("%1 is not a crm-server backup (no crm_backup table)").arg(file);
            return false;
        }
        while (meta.next()) {
            if (meta.value(0).toString() == kSecretFile)
                secret = meta.value(1).toString().toLatin1();
            else if (meta.value(0).toString() == QStringLiteral("schemaVersion"))
                summary->schemaVersion = meta.value(1).toInt();
        }
        if (secret.size() < 64) {
            *error = QStringLiteral("%1 has no signing secret").arg(file);
            return false;
        }
        if (summary->schemaVersion > Database::knownSchemaVersion()) {
            *error = QStringLiteral("the backup's schema is version %1, newer than this "
                                    "crm-server knows (%2)")
                         .arg(summary->schemaVersion)
                         .arg(Database::knownSchemaVersion());
            return false;
        }
        summary->records = countRecords(backup);
    }
    if (!data.mkpath(QStringLiteral("."))) {
        *error = QStringLiteral("cannot create the data folder %1").arg(dataDir);
        return false;
    }
    const QString target = data.filePath(kDatabaseFile);
    const QString partial = target + QStringLiteral(".partial");
    QFile::remove(partial);
    if (!QFile::copy(file, partial)) {
        *error = QStringLiteral("cannot copy %1 into %2").arg(file, dataDir);
        return false;
    }
    QFile::setPermissions(partial, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    {
        SideConnection restored(partial);
        QSqlQuery drop = restored.query();
        if (!restored.isOpen() || !drop.exec(QStringLiteral("DROP TABLE crm_backup"))) {
            *error = drop.lastError().text();
            QFile::remove(partial);
            return false;
        }
    }
    if (!writeSecret(data.filePath(kSecretFile), secret, error) ||
        !QFile::rename(partial, target)) {
        if (error->isEmpty())
            *error = QStringLiteral("cannot move the restored database into place");
        QFile::remove(partial);
        return false;
    }
    summary->bytes = QFileInfo(target).size();
    return true;
}

} // namespace crm
