#pragma once

#include <optional>
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace crm {

namespace crdt {
class TextDocument;
}
class Database;

// A record's collaborative notes in the database: the log of Yjs updates as received (stored
// before the sender hears they are safe) and a compacted snapshot with the plain text.
//
// Each note's updates are numbered 1, 2, 3... in the committing transaction (the notes row is
// locked by the increment), so a later seq always commits after every earlier one: a crm-server
// node that holds a note up to seq n and reads "seq > n" misses nothing, on any node.
class NoteStore
{
public:
    struct Stored
    {
        QByteArray snapshot;       // empty unless the log was folded past the `afterSeq` asked
        QList<QByteArray> updates; // after `afterSeq` and the snapshot, in order
        qint64 lastSeq = 0;        // everything up to here is in snapshot + updates

        // Applies the snapshot, then the updates, to `doc`; how many of them did not apply
        // (they were checked when they came, so anything odd is for the log, not fatal).
        int applyTo(crdt::TextDocument& doc) const;
    };

    explicit NoteStore(Database& db);

    // What is stored of the note after `afterSeq` (0: all of it; an empty Stored for a note
    // nobody wrote), or nullopt on a storage error.
    std::optional<Stored> load(const QString& module, const QString& recordId, qint64 afterSeq = 0);
    // The last seq of each of these notes ("module/id" -> seq; a note never written is absent),
    // or nullopt on a storage error: one query, however many notes a node has open.
    std::optional<QHash<QString, qint64>> lastSeqs(const QStringList& keys);
    // Appends an update made by `author` (the name shown); its seq, or nullopt when it could not be
    // stored.
    std::optional<qint64> append(const QString& brokerageId, const QString& module,
                                 const QString& recordId, const QByteArray& update,
                                 const QString& author);
    // Folds the whole log into the snapshot and records the plain text, reading both from the
    // database under the note's row lock: what one node holds in memory may lack what another
    // stored a moment ago, and a snapshot made from it would drop that. False when nothing could
    // be folded (a storage error, or an update that waits for one never stored).
    bool compact(const QString& module, const QString& recordId);
    // Records the plain text between compactions (search and export read it), only while the
    // note is still at `atSeq`: a node behind the others never writes an older text.
    bool saveText(const QString& module, const QString& recordId, const QString& text,
                  qint64 atSeq);

private:
    Database& m_db;
};

} // namespace crm
