#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace crm {

class ClientCore;
class NoteSession;

// One record's notes for an editor: the text, the agent's edits, undo and redo of their own
// edits, colleagues' carets and who is typing, and whether the note is live. Widgets bind to
// this, never to the core's NoteSession.
class NoteModel : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString typing READ typing NOTIFY caretsChanged)
public:
    // A colleague's caret or selection, where it stands in the text now.
    struct Caret
    {
        QString name;
        QString color;  // "#rrggbb" as the colleague's editor sent it (may be empty)
        QString userId; // who, when their editor said (crm-desktop does)
        qsizetype anchor = 0;
        qsizetype head = 0;
        bool typing = false;
    };

    // Opens the note of that record (ownName and ownColor are what colleagues see).
    NoteModel(ClientCore& core, const QString& module, const QString& id, const QString& ownName,
              const QString& ownColor, const QString& ownUserId, QObject* parent = nullptr);
    ~NoteModel() override;

    QString text() const;
    bool isReadOnly() const;
    // Short, for the notes' header: "Live", "Sending…", "Offline - not sent yet", or why the
    // server refused the note.
    QString status() const;
    // The status at length, for its tooltip: how many edits wait, and what happens to them.
    QString statusDetail() const;
    // Whether the status is a problem the agent should see in red.
    bool isTrouble() const;
    // "Priya is typing", "Priya and Alex are typing", or empty.
    QString typing() const;
    QList<Caret> carets() const;

    // The agent's edit at `position`: `removed` characters replaced by `inserted`.
    void edit(qsizetype position, qsizetype removed, const QString& inserted);
    bool canUndo() const;
    bool canRedo() const;
    void undo();
    void redo();
    void stopCapturing();
    void setCaret(qsizetype anchor, qsizetype head);

signals:
    // A change the editor did not make itself (a colleague's text, or this window's undo and
    // redo): the editor applies each, in order.
    void changed(qsizetype position, qsizetype removed, const QString& inserted);
    void caretsChanged();
    void statusChanged();
    void undoStateChanged();

private:
    QPointer<ClientCore> m_core;
    QPointer<NoteSession> m_session;
};

} // namespace crm
