#pragma once

#include "server/storage/identity.h"

#include <chrono>
#include <functional>
#include <optional>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace crm {

class MutationService;
class RecordStore;
struct ChangeEntry;

// "Alex edited the notes": who typed in which record's notes, coalesced into one change of the
// record's derived `notesText` field (docs/protocol.md 5.9) when a typist pauses, leaves the note
// or has typed for a long stretch. Everyone typing in that note then is recorded together, named
// together ("Alex Rivera, Sam Okafor"): the text holds all of their typing, so crediting it to
// one of them, or dropping the others' as unchanged, would misstate who wrote it. The change goes
// through the mutation engine and the change stream like any other, so the activity feed, the
// table's search, offline copies and every node of a cluster learn of it the usual way, and nothing
// is sent per keystroke.
class NoteActivity : public QObject
{
    Q_OBJECT
public:
    struct Services
    {
        MutationService& mutations;
        RecordStore& records;
        std::function<void(const ChangeEntry&)> broadcast;
        // The note's text now ("module/id"), or nullopt when it is not open here.
        std::function<std::optional<QString>(const QString& key)> textOf;
    };
    struct Timings
    {
        std::chrono::milliseconds quiet{30000};    // a pause this long ends a stretch
        std::chrono::milliseconds longest{300000}; // recorded at least this often while typing
        std::chrono::milliseconds checkEvery{5000};
    };

    explicit NoteActivity(Services services, QObject* parent = nullptr);
    ~NoteActivity() override;

    // Tests shorten them; the defaults are the documented ones (docs/protocol.md 5.9).
    void setTimings(Timings timings);
    void edited(const QString& key, const Identity& who);
    // Records the note's open stretches now (a typist left it, it closes, a script made a
    // one-off edit), with its text as it is now.
    void settle(const QString& key, const QString& text);
    // Records every stretch now; from then on nothing more is recorded (the server is stopping,
    // and the hub the changes go to may already be gone).
    void finish();

private:
    struct Stretch
    {
        Identity who;
        qint64 firstMs = 0;
        qint64 lastMs = 0;
    };

    void settleDue();
    void record(const QString& key, const QList<Stretch>& stretches, const QString& text);

    Services m_s;
    QHash<QString, QList<Stretch>> m_open; // note key -> one stretch per person typing
    QTimer m_timer;
    Timings m_timings;
    bool m_finished = false;
};

} // namespace crm
