#pragma once

#include <QString>

namespace crm {

class Database;

// A consistent copy of a running brokerage, and its way back.
//
// SQLite: `VACUUM INTO` copies the database as one read transaction (writers go on; the copy
// is what was committed when it started), then the copy gets the data folder's signing secret
// (without it every issued token would be refused after a restore), the versions it came from,
// and an integrity check; it is written under a temporary name and renamed, so a crash never
// leaves half a backup under the real one. The file is readable by its owner only.
//
// PostgreSQL: pg_dump (custom format) does the copying; the secret goes beside it
// (FILE.jwt-secret). Restoring is pg_restore's job, then the secret back into the data folder.
class Backup
{
public:
    struct Summary
    {
        qint64 bytes = 0;
        qint64 records = 0;
        int schemaVersion = 0;
    };

    static bool create(Database& db, const QString& dataDir, const QString& file, Summary* summary,
                       QString* error);
    // Into a data folder with no database and no secret yet (refused otherwise: a restore
    // never overwrites a brokerage). SQLite backups only.
    static bool restore(const QString& file, const QString& dataDir, Summary* summary,
                        QString* error);
};

} // namespace crm
