#include "core/notestore.h"

#include "core/storedatabase.h"

#include <QSqlQuery>

namespace crm {

NoteStore::Saved NoteStore::load(const NoteRef& note)
{
    Saved saved;
    m_db.select(QStringLiteral("SELECT state FROM note_states WHERE module = ? AND record_id = ?"),
                {note.module, note.id}, [&](const QSqlQuery& row) {
                    saved.state = row.value(0).toByteArray();
                    return false;
                });
    m_db.select(QStringLiteral("SELECT seq, update_bytes, unsent FROM note_updates "
                               "WHERE module = ? AND record_id = ? ORDER BY seq"),
                {note.module, note.id}, [&](const QSqlQuery& row) {
                    saved.lastSeq = row.value(0).toLongLong();
                    saved.updates.append(row.value(1).toByteArray());
                    saved.unsent += row.value(2).toBool() ? 1 : 0;
                    return true;
                });
    return saved;
}

qint64 NoteStore::append(const NoteRef& note, const QByteArray& update, bool unsent)
{
    QSqlQuery* query = m_db.run(QStringLiteral("INSERT INTO note_updates (module, record_id, "
                                               "update_bytes, unsent) VALUES (?, ?, ?, ?)"),
                                {note.module, note.id, update, unsent ? 1 : 0});
    return query ? query->lastInsertId().toLongLong() : 0;
}

bool NoteStore::markSent(const NoteRef& note, qint64 fromSeq, qint64 toSeq)
{
    return m_db.run(QStringLiteral("UPDATE note_updates SET unsent = 0 WHERE module = ? AND "
                                   "record_id = ? AND seq BETWEEN ? AND ? AND unsent = 1"),
                    {note.module, note.id, fromSeq, toSeq}) != nullptr;
}

bool NoteStore::fold(const NoteRef& note, const QByteArray& state, qint64 upToSeq)
{
    if (!m_db.beginWrite())
        return false;
    if (!m_db.run(QStringLiteral("INSERT INTO note_states (module, record_id, state) VALUES "
                                 "(?, ?, ?) ON CONFLICT (module, record_id) DO UPDATE SET "
                                 "state = excluded.state"),
                  {note.module, note.id, state}) ||
        !m_db.run(QStringLiteral("DELETE FROM note_updates WHERE module = ? AND record_id = ? "
                                 "AND seq <= ? AND unsent = 0"),
                  {note.module, note.id, upToSeq}) ||
        !m_db.commit()) {
        m_db.rollback();
        return false;
    }
    return true;
}

int NoteStore::unsentCount(const NoteRef& note)
{
    return m_db.count(QStringLiteral("SELECT COUNT(*) FROM note_updates WHERE module = ? AND "
                                     "record_id = ? AND unsent = 1"),
                      {note.module, note.id});
}

QList<std::pair<qint64, QByteArray>> NoteStore::unsentUpdates(const NoteRef& note)
{
    QList<std::pair<qint64, QByteArray>> updates;
    m_db.select(QStringLiteral("SELECT seq, update_bytes FROM note_updates WHERE module = ? AND "
                               "record_id = ? AND unsent = 1 ORDER BY seq"),
                {note.module, note.id}, [&](const QSqlQuery& row) {
                    updates.append({row.value(0).toLongLong(), row.value(1).toByteArray()});
                    return true;
                });
    return updates;
}

int NoteStore::unsentCount()
{
    return m_db.count(QStringLiteral("SELECT COUNT(*) FROM note_updates WHERE unsent = 1"), {});
}

} // namespace crm
