#include "server/storage/notestore.h"

#include "crdt/textdocument.h"
#include "server/storage/database.h"

#include <QDateTime>
#include <QHash>
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

int NoteStore::Stored::applyTo(crdt::TextDocument& doc) const
{
    int refused = 0;
    auto apply = [&](const QByteArray& update) {
        if (std::holds_alternative<crdt::UpdateError>(doc.apply(update)))
            ++refused;
    };
    if (!snapshot.isEmpty())
        apply(snapshot);
    for (const QByteArray& update : updates)
        apply(update);
    return refused;
}

NoteStore::NoteStore(Database& db) : m_db(db) {}

std::optional<NoteStore::Stored> NoteStore::load(const QString& module, const QString& recordId,
                                                 qint64 afterSeq)
{
    // The log first, then the snapshot: a compaction committing between the two reads folded
    // only updates the snapshot now holds, so together they miss nothing (the other order
    // could read the old snapshot and then find its updates gone).
    Stored stored;
    auto updates = m_db.query();
    if (!m_db.exec(updates,
                   QStringLiteral("SELECT seq, content FROM note_updates WHERE module = ? AND "
                                  "record_id = ? AND seq > ? ORDER BY seq"),
                   {module, recordId, afterSeq}))
        return std::nullopt;
    QList<std::pair<qint64, QByteArray>> log;
    while (updates.next())
        log.append({updates.value(0).toLongLong(), bytesOf(updates.value(1))});
    auto note = m_db.query();
    if (!m_db.exec(note,
                   QStringLiteral("SELECT CASE WHEN through_seq > ? THEN snapshot ELSE '' END, "
                                  "through_seq FROM notes WHERE module = ? AND record_id = ?"),
                   {afterSeq, module, recordId}))
        return std::nullopt;
    qint64 throughSeq = 0;
    if (note.next()) {
        stored.snapshot = bytesOf(note.value(0));
        throughSeq = note.value(1).toLongLong();
    }
    stored.lastSeq = std::max(afterSeq, throughSeq);
    for (auto& [seq, content] : log) {
        if (seq <= stored.lastSeq)
            continue; // folded into the snapshot meanwhile
        stored.updates.append(std::move(content));
        stored.lastSeq = seq;
    }
    return stored;
}

std::optional<QHash<QString, qint64>> NoteStore::lastSeqs(const QStringList& keys)
{
    QHash<QString, qint64> seqs;
    constexpr qsizetype kPerQuery = 200; // well under every driver's limit of bound values
    for (qsizetype from = 0; from < keys.size(); from += kPerQuery) {
        QStringList marks;
        QVariantList binds;
        for (const QString& key : keys.mid(from, kPerQuery)) {
            const qsizetype slash = key.indexOf(u'/');
            marks.append(QStringLiteral("(module = ? AND record_id = ?)"));
            binds << key.left(slash) << key.mid(slash + 1);
        }
        auto query = m_db.query();
        if (!m_db.exec(query,
                       QStringLiteral("SELECT module, record_id, last_seq FROM notes WHERE ") +
                           marks.join(QStringLiteral(" OR ")),
                       binds))
            return std::nullopt;
        while (query.next())
            seqs.insert(query.value(0).toString() + u'/' + query.value(1).toString(),
                        query.value(2).toLongLong());
    }
    return seqs;
}

std::optional<qint64> NoteStore::append(const QString& brokerageId, const QString& module,
                                        const QString& recordId, const QByteArray& update,
                                        const QString& author)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return std::nullopt;
    // The increment takes the row's lock until commit: gapless, and committed in seq order.
    auto note = m_db.query();
    if (!m_db.exec(
            note,
            QStringLiteral("INSERT INTO notes (module, record_id, brokerage_id, snapshot, "
                           "through_seq, last_seq, text, updated_at, updated_by) "
                           "VALUES (?, ?, ?, '', 0, 1, '', ?, ?) "
                           "ON CONFLICT (module, record_id) DO UPDATE SET "
                           "last_seq = notes.last_seq + 1, updated_at = excluded.updated_at, "
                           "updated_by = excluded.updated_by RETURNING last_seq"),
            {module, recordId, brokerageId, now(), author}) ||
        !note.next())
        return std::nullopt;
    const qint64 seq = note.value(0).toLongLong();
    note.finish(); // SQLite commits nothing while a statement is still being stepped
    auto insert = m_db.query();
    if (!m_db.exec(insert,
                   QStringLiteral("INSERT INTO note_updates (module, record_id, seq, content, "
                                  "user_id, at) VALUES (?, ?, ?, ?, ?, ?)"),
                   {module, recordId, seq, base64(update), author, now()}) ||
        !transaction.commit())
        return std::nullopt;
    return seq;
}

bool NoteStore::compact(const QString& module, const QString& recordId)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return false;
    // Taking the row's lock first: appends and other nodes' compactions wait for this one.
    auto lock = m_db.query();
    if (!m_db.exec(lock,
                   QStringLiteral("UPDATE notes SET through_seq = through_seq WHERE module = ? "
                                  "AND record_id = ?"),
                   {module, recordId}))
        return false;
    const auto stored = load(module, recordId);
    if (!stored || stored->lastSeq == 0)
        return false;
    crdt::TextDocument doc(quint64(0));
    stored->applyTo(doc);
    if (doc.hasPending())
        return false; // the log keeps what waits; folding it would drop it
    auto note = m_db.query();
    auto remove = m_db.query();
    return m_db.exec(note,
                     QStringLiteral("UPDATE notes SET snapshot = ?, through_seq = ?, text = ? "
                                    "WHERE module = ? AND record_id = ?"),
                     {base64(doc.encodeStateAsUpdate()), stored->lastSeq, doc.text(), module,
                      recordId}) &&
           m_db.exec(remove,
                     QStringLiteral("DELETE FROM note_updates WHERE module = ? AND record_id = ? "
                                    "AND seq <= ?"),
                     {module, recordId, stored->lastSeq}) &&
           transaction.commit();
}

bool NoteStore::saveText(const QString& module, const QString& recordId, const QString& text,
                         qint64 atSeq)
{
    auto query = m_db.query();
    return m_db.exec(query,
                     QStringLiteral("UPDATE notes SET text = ? WHERE module = ? AND record_id = ? "
                                    "AND last_seq = ?"),
                     {text, module, recordId, atSeq});
}

} // namespace crm
