#pragma once

#include "ui/recorddraft.h"

#include <functional>
#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace crm {

class AvatarStrip;
class ConflictModel;
class FieldInput;
class NoteBanner;
class NoteModel;
class NotesPane;
class RecordForm;
class PresenceStore;
class RecordTableModel;
class RecordViewersFilter;
class UserDirectoryModel;
struct FieldSpec;

// The record beside the table: a typed FieldInput per schema field, checked as the agent types;
// text that is not a valid value is an error on that field and blocks Save, so what is saved is
// what is shown. Save (Ctrl+S) queues one edit of the changed fields and shows it at once; Undo
// (Ctrl+Z) queues the values from before the last save. Typed changes are never lost by moving
// to another record: they are kept as a draft, or the agent is asked (Settings). A teammate's
// change to a field the agent has not touched patches the form in place; to one the agent is
// changing, it is said on that field. Who else views the record is shown with avatars, and a
// field someone else is editing right now says so. A record in conflict carries a banner with
// who changed what and Resolve. Binds to the table, presence and conflict models only.
class RecordEditor : public QWidget
{
    Q_OBJECT
public:
    // What happens to typed changes when the agent moves to another record.
    enum class LeavePolicy
    {
        KeepDraft, // kept, and back in the form when the record is opened again
        Ask,       // Save, Discard or stay
    };

    RecordEditor(PresenceStore* presence, const QString& ownUserId, QWidget* parent = nullptr);

    // Shows a record of this table (row -1: nothing); createNew() starts an empty one. False
    // when the agent chose to stay on the record with unsaved changes (LeavePolicy::Ask).
    bool showRecord(RecordTableModel* table, int row);
    bool createNew(RecordTableModel* table);
    void setLeavePolicy(LeavePolicy policy) { m_leavePolicy = policy; }
    // Open conflicts, so the record in conflict says so with who changed what.
    void setConflicts(ConflictModel* conflicts);
    // Records left with typed changes (the open one included): said before quitting.
    int unsavedCount() const;
    bool hasDraft(const QString& module, const QString& recordId) const;
    void discardDraft();
    // Room left below the last field, so what floats over the editor's bottom (notices) never
    // keeps a field out of reach: the form scrolls it into the clear.
    void setBottomReserve(int pixels);

    void setOwnUserId(const QString& userId);
    // Opens a record's notes (the schema says which modules have them); the editor owns what it
    // returns. Without one, the editor shows no notes.
    using NoteOpener = std::function<NoteModel*(const QString& module, const QString& id)>;
    void setNoteOpener(NoteOpener opener);
    NotesPane* notes() const { return m_notes; }
    // The other modules' tables, so a reference ("Buyer") is chosen by name, not typed as an id.
    void setReferenceTables(const QList<RecordTableModel*>& tables);
    // The brokerage's people, so a "user" field (assignee) is chosen by name.
    void setUserDirectory(UserDirectoryModel* users);
    bool save();
    bool undoLastSave();
    bool isDirty() const;
    QString errorText() const;
    QString readOnlyText() const;
    QString recordId() const { return m_recordId; }
    // The widget editing `field`, for tests and accessibility.
    QWidget* editorFor(const QString& field) const;
    // The note beside a field ("Priya is editing", "Changed to ... while you were editing"),
    // empty when none.
    QString fieldNote(const QString& field) const;
    // The conflict banner's text, empty when the record has no open conflict.
    QString conflictText() const;
    QString draftText() const;
    QString titleText() const;
    // Whether the form (not the "select a record" hint) is showing.
    bool isFormShown() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void created(const QString& recordId);
    void resolveRequested(qint64 conflictId);

private:
    bool leaveRecord();
    void refill();
    void rebuild();
    void fill(const QJsonObject& values);
    // A teammate's change while the agent is mid-edit: untouched fields follow it.
    void follow(const QJsonObject& values);
    void restoreDraft();
    QJsonObject editedValues() const;
    // What a save sends of `values`: all of an update, only the set fields of a create.
    QJsonObject valuesToSend(QJsonObject values) const;
    QStringList invalidFields() const;
    void validate();
    void refreshConflict();
    void refreshNotes();
    // The open record's shared notes, or none.
    void openNotes();
    // The fields keep three fifths of the height, the notes the rest, until the agent drags the
    // divide (the form's own size hint is small, and the notes would otherwise take it all).
    void splitFormAndNotes();
    QString draftKey() const;

    PresenceStore* m_presence;
    QString m_ownUserId;
    QPointer<RecordTableModel> m_table;
    QList<RecordTableModel*> m_references;
    UserDirectoryModel* m_users = nullptr;
    ConflictModel* m_conflicts = nullptr;
    qint64 m_conflictId = 0;
    LeavePolicy m_leavePolicy = LeavePolicy::KeepDraft;
    QHash<QString, RecordDraft> m_drafts;          // by "module/id"; "module/" for a new record
    QHash<QString, QString> m_changedWhileEditing; // field -> what it became
    QString m_goneNote;        // the open record was deleted or left reach: said until moving on
    bool m_outOfReach = false; // leaving a record that a reload did not bring back
    QString m_recordId;        // empty while creating
    bool m_creating = false;
    QJsonObject m_shown; // the values the form was filled with
    QJsonObject m_undo;  // values from before the last save
    QString m_undoRecordId;
    QLabel* m_title;
    QStackedWidget* m_pages; // the hint when nothing is selected, or the form
    NoteBanner* m_conflictBanner;
    NoteBanner* m_draftBanner;
    AvatarStrip* m_viewers;
    RecordViewersFilter* m_viewersFilter;
    RecordForm* m_form;
    QLabel* m_error;
    NoteBanner* m_readOnly; // why the record cannot be edited here, when the server said so
    QPushButton* m_save;
    QPushButton* m_undoButton;
    QPushButton* m_delete;
    NotesPane* m_notes;
    QSplitter* m_formAndNotes = nullptr;
    bool m_splitByAgent = false;
    NoteOpener m_noteOpener;
    QString m_notesKey; // "module/id" of the notes shown
    bool m_filling = false;
};

} // namespace crm
