#pragma once

#include "core/localstore.h"

#include <QFile>
#include <QJsonObject>
#include <QStringList>
#include <QUuid>

namespace crm::bench {

// The process's resident memory (Linux /proc), in MB; -1 elsewhere. "RssAnon:" is the heap
// and stacks only: what a leak would grow (mapped files, the store's mmap included, are not).
inline double residentMegabytes(const QByteArray& field = QByteArrayLiteral("VmRSS:"))
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(field.size()).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

// `count` escrows of the same shape as the demo's, confirmed at version 1, in one
// transaction; the last seq is 1. Returns their ids in insertion order.
inline QStringList seedEscrows(LocalStore& store, int count)
{
    QStringList ids;
    QList<RecordCache::Record> batch;
    for (int i = 0; i < count; ++i) {
        ids.append(QUuid::createUuid().toString(QUuid::WithoutBraces));
        batch.append(
            {QStringLiteral("escrows"),
             ids.last(),
             QJsonObject{{QStringLiteral("number"), QStringLiteral("ESC-%1").arg(100000 + i)},
                         {QStringLiteral("propertyAddress"),
                          QStringLiteral("%1 Harbor Blvd, Long Beach, CA").arg(100 + i)},
                         {QStringLiteral("purchasePrice"), 400000 + (i * 31) % 900000},
                         {QStringLiteral("status"), QStringLiteral("open")},
                         {QStringLiteral("closeDate"), QStringLiteral("2026-12-18")}},
             1,
             QStringLiteral("north"),
             QStringLiteral("u1"),
             {},
             false});
    }
    store.cache().storeRecords(batch);
    store.cache().setLastSeq(1);
    return ids;
}

} // namespace crm::bench
