#include "core/storerows.h"

#include "core/corelogging.h"
#include "protocol/jsontext.h"

#include <QDateTime>
#include <QJsonDocument>

namespace crm::storerows {

namespace {

QVariant optionalVersion(std::optional<qint64> version)
{
    return version ? QVariant(*version) : QVariant();
}

} // namespace

QString toText(const QJsonObject& object)
{
    return json::write(object); // same text as QJsonDocument::Compact, several times faster
}

QJsonObject objectFrom(const QString& text)
{
    return objectFrom(text.toUtf8());
}

QJsonObject objectFrom(const QByteArray& utf8)
{
    return QJsonDocument::fromJson(utf8).object();
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

const QString kEntryColumns = QStringLiteral(
    "mutation_id, module, record_id, op, base_version, fields, attempts, created_at");

std::optional<OutboxEntry> entryFrom(const QSqlQuery& query, int first)
{
    OutboxEntry entry;
    entry.mutationId = query.value(first).toLongLong();
    const QString op = query.value(first + 3).toString();
    const auto known = operationFromName(op);
    if (!known) {
        qCWarning(lcLocalStore) << "edit" << entry.mutationId << "has an unknown operation" << op
                                << "; left in the profile, not read";
        return std::nullopt;
    }
    entry.op = *known;
    entry.module = query.value(first + 1).toString();
    entry.recordId = query.value(first + 2).toString();
    if (!query.value(first + 4).isNull())
        entry.baseVersion = query.value(first + 4).toLongLong();
    entry.fields = objectFrom(query.value(first + 5).toString());
    entry.attempts = query.value(first + 6).toInt();
    entry.createdAt = query.value(first + 7).toString();
    return entry;
}

QVariantList entryBinds(const OutboxEntry& e)
{
    return {e.mutationId,
            e.module,
            e.recordId,
            operationName(e.op),
            optionalVersion(e.baseVersion),
            toText(e.fields),
            e.attempts,
            e.createdAt};
}

} // namespace crm::storerows
