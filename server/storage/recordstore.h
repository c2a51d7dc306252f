#pragma once

#include "server/storage/storedrecord.h"

#include <optional>
#include <QList>

namespace crm {

class Database;

// Reads and writes rows of the records table. Callers hold the transaction.
class RecordStore
{
public:
    explicit RecordStore(Database& db);

    std::optional<StoredRecord> find(const QString& module, const QString& id);
    // The live (not deleted) records of a module that `viewer` may see, oldest first.
    QList<StoredRecord> list(const Identity& viewer, const QString& module, int offset, int limit,
                             qint64* total);
    bool insert(const StoredRecord& record);
    bool update(const StoredRecord& record);

private:
    Database& m_db;
};

} // namespace crm
