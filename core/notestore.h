#pragma once

#include "protocol/notemessages.h"

#include <QByteArray>
#include <QList>

namespace crm {

class StoreDatabase;

// The notes this profile has opened (docs/protocol.md 5.9), part of the LocalStore: per note a
// saved state and a log of the updates since, each marked unsent while the server has not
// stored it. A note opens from here before the network answers, edits made offline wait here
// across restarts, and a killed app loses no keystroke (WAL: each append is on disk when it
// returns).
class NoteStore
{
public:
    explicit NoteStore(StoreDatabase& db) : m_db(db) {}
    NoteStore(const NoteStore&) = delete;
    NoteStore& operator=(const NoteStore&) = delete;

    struct Saved
    {
        QByteArray state;          // a Yjs update holding the whole note as last folded
        QList<QByteArray> updates; // since then, oldest first
        qint64 lastSeq = 0;        // the newest update's row (0: none)
        int unsent = 0;
    };
    Saved load(const NoteRef& note);
    // The update's row, or 0 when it could not be written.
    qint64 append(const NoteRef& note, const QByteArray& update, bool unsent);
    // The server stored this note's updates logged in rows fromSeq..toSeq.
    bool markSent(const NoteRef& note, qint64 fromSeq, qint64 toSeq);
    // Replaces the state with `state` (which holds every update logged up to `upToSeq`) and
    // drops those updates, except unsent ones: they are still to be sent.
    bool fold(const NoteRef& note, const QByteArray& state, qint64 upToSeq);
    int unsentCount(const NoteRef& note);
    // This note's unsent updates with their rows, oldest first.
    QList<std::pair<qint64, QByteArray>> unsentUpdates(const NoteRef& note);
    // Every note's unsent updates: what the badge says waits.
    int unsentCount();

private:
    StoreDatabase& m_db;
};

} // namespace crm
