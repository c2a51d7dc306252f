#include "server/storage/notestore.h"

#include "server/storage/database.h"

#include <QDateTime>
#include <QSqlQuery>

namespace crm {

namespace {

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString base64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray bytesOf(const QVariant& text)
{
    return QByteArray::fromBase64(text.toString().toLatin1());
}

} // namespace

NoteStore::NoteStore(Database& db) : m_db(db) {}

std::optional<NoteStore::Stored> NoteStore::load(const QString& module, const QString& recordId)
{
    Stored stored;
    auto note = m_db.query();
    if (!m_db.exec(note,
                   QStringLiteral("SELECT snapshot, through_seq, last_seq, text, updated_at, "
                                  "updated_by FROM notes WHERE module = ? AND record_id = ?"),
                   {module, recordId}))
        return std::nullopt;
    if (note.next()) {
        stored.snapshot = bytesOf(note.value(0));
        stored.throughSeq = note.value(1).toLongLong();
        stored.lastSeq = note.value(2).toLongLong();
        stored.text = note.value(3).toString();
        stored.updatedAt = note.value(4).toString();
        stored.updatedBy = note.value(5).toString();
    }
    auto updates = m_db.query();
    if (!m_db.exec(updates,
                   QStringLiteral("SELECT content FROM note_updates WHERE module = ? AND "
                                  "record_id = ? AND seq > ? ORDER BY seq"),
                   {module, recordId, stored.throughSeq}))
        return std::nullopt;
    while (updates.next())
        stored.updates.append(bytesOf(updates.value(0)));
    return stored;
}

std::optional<qint64> NoteStore::append(const QString& brokerageId, const QString& module,
                                        const QString& recordId, const QByteArray& update,
                                        const QString& author)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return std::nullopt;
    auto read = m_db.query();
    if (!m_db.exec(read,
                   QStringLiteral("SELECT last_seq FROM notes WHERE module = ? AND record_id = ?"),
                   {module, recordId}))
        return std::nullopt;
    const bool exists = read.next();
    const qint64 seq = exists ? read.value(0).toLongLong() + 1 : 1;
    auto note = m_db.query();
    auto insert = m_db.query();
    const bool stored =
        (exists ? m_db.exec(note,
                            QStringLiteral("UPDATE notes SET last_seq = ?, updated_at = ?, "
                                           "updated_by = ? WHERE module = ? AND record_id = ?"),
                            {seq, now(), author, module, recordId})
                : m_db.exec(note,
                            QStringLiteral("INSERT INTO notes (module, record_id, brokerage_id, "
                                           "snapshot, through_seq, last_seq, text, updated_at, "
                                           "updated_by) VALUES (?, ?, ?, '', 0, ?, '', ?, ?)"),
                            {module, recordId, brokerageId, seq, now(), author})) &&
        m_db.exec(insert,
                  QStringLiteral("INSERT INTO note_updates (module, record_id, seq, content, "
                                 "user_id, at) VALUES (?, ?, ?, ?, ?, ?)"),
                  {module, recordId, seq, base64(update), author, now()});
    if (!stored || !transaction.commit())
        return std::nullopt;
    return seq;
}

bool NoteStore::compact(const QString& module, const QString& recordId, const QByteArray& snapshot,
                        qint64 throughSeq, const QString& text)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return false;
    auto note = m_db.query();
    auto remove = m_db.query();
    return m_db.exec(note,
                     QStringLiteral("UPDATE notes SET snapshot = ?, through_seq = ?, text = ? "
                                    "WHERE module = ? AND record_id = ?"),
                     {base64(snapshot), throughSeq, text, module, recordId}) &&
           m_db.exec(remove,
                     QStringLiteral("DELETE FROM note_updates WHERE module = ? AND record_id = ? "
                                    "AND seq <= ?"),
                     {module, recordId, throughSeq}) &&
           transaction.commit();
}

bool NoteStore::saveText(const QString& module, const QString& recordId, const QString& text)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE notes SET text = ? WHERE module = ? AND record_id = ?"),
                     {text, module, recordId});
}

} // namespace crm
