#pragma once

#include "crdt/relativeposition.h"
#include "crdt/textchange.h"
#include "crdt/yid.h"

#include <QByteArray>
#include <variant>
#include <vector>

namespace crm::crdt {

class TextDocument;

// Undo and redo of one's own edits in a shared text, as Yjs's UndoManager does it: undoing an
// insert removes those characters of one's own that are still there (a colleague's text typed
// among them stays); undoing a removal puts the removed text back where it was, after the
// character that stood before it. Text put back gets new ids; the manager remembers which
// characters came back as which, so later steps (an earlier insert undone, a place after a
// restored character) still find them. Edits within kCaptureMs of each other are one step, as
// typing a word is. Remote edits are never recorded, so they are never undone.
class TextUndoManager
{
public:
    static constexpr qint64 kCaptureMs = 500;

    // What an undo or a redo did: the updates to send and the changes for the editor.
    struct Outcome
    {
        std::vector<QByteArray> updates;
        TextChanges changes;
        bool isEmpty() const { return updates.empty(); }
    };

    explicit TextUndoManager(TextDocument& doc) : m_doc(doc) {}

    // Local edits through the manager: the document's update, the step recorded.
    QByteArray insert(qsizetype index, QStringView text, qint64 nowMs);
    QByteArray remove(qsizetype index, qsizetype length, qint64 nowMs);
    QByteArray replace(qsizetype index, qsizetype length, QStringView text, qint64 nowMs);

    bool canUndo() const { return !m_undo.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    Outcome undo();
    Outcome redo();
    // The next edit starts a step of its own (the caret moved, the editor lost focus).
    void stopCapturing() { m_lastEditMs = kNever; }

private:
    static constexpr qint64 kNever = -1;

    struct Inserted
    {
        IdRange ids;
    };
    struct Removed
    {
        QString text;
        std::vector<IdRange> ids; // the removed characters, in text order
        RelativePosition after;   // the character that stood before them (assoc -1)
    };
    using Action = std::variant<Inserted, Removed>;
    using Step = std::vector<Action>;
    // Characters put back by an undo or redo: `from` now lives on as `now`.
    struct Restored
    {
        IdRange from;
        YId now;
    };

    void record(Action action, qint64 nowMs);
    // Undoes (or redoes) the newest step of `from` that changes anything; its inverse goes to `to`.
    Outcome pop(std::vector<Step>& from, std::vector<Step>& to);
    // Carries out the step's actions in reverse order; returns the step that undoes that.
    Step perform(const Step& step, Outcome& outcome);
    void performInserted(const Inserted& action, Step& inverse, Outcome& outcome);
    void performRemoved(const Removed& action, Step& inverse, Outcome& outcome);
    // The ids that stand for `ranges` now: themselves and every copy restored from them.
    std::vector<IdRange> currentIds(std::vector<IdRange> ranges) const;
    // A character that was put back is found at its new id.
    YId followRestored(YId id) const;

    TextDocument& m_doc;
    std::vector<Step> m_undo;
    std::vector<Step> m_redo;
    std::vector<Restored> m_restored;
    qint64 m_lastEditMs = kNever;
};

} // namespace crm::crdt
