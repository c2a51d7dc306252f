#pragma once

#include <optional>
#include <QByteArray>
#include <QList>
#include <QString>

namespace crm {

class Database;

// A record's collaborative notes in the database: the log of Yjs updates as received (stored
// before the sender hears they are safe) and a compacted snapshot with the plain text.
class NoteStore
{
public:
    struct Stored
    {
        QByteArray snapshot;       // empty for a note never compacted
        QList<QByteArray> updates; // after the snapshot, in order
        qint64 lastSeq = 0;
        qint64 throughSeq = 0;
        QString text;
        QString updatedAt;
        QString updatedBy;
    };

    explicit NoteStore(Database& db);

    // Everything stored of the note (an empty Stored for a note nobody wrote), or nullopt on a
    // storage error.
    std::optional<Stored> load(const QString& module, const QString& recordId);
    // Appends an update made by `author` (the name shown); its seq, or nullopt when it could not be
    // stored.
    std::optional<qint64> append(const QString& brokerageId, const QString& module,
                                 const QString& recordId, const QByteArray& update,
                                 const QString& author);
    // Folds the log up to `throughSeq` into `snapshot` and records the plain text; the folded
    // updates go. One transaction: a crash leaves either the old log or the new snapshot.
    bool compact(const QString& module, const QString& recordId, const QByteArray& snapshot,
                 qint64 throughSeq, const QString& text);
    // Records the plain text between compactions (search and export read it).
    bool saveText(const QString& module, const QString& recordId, const QString& text);

private:
    Database& m_db;
};

} // namespace crm
