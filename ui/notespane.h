#pragma once

#include "models/notemodel.h"

#include <QPointer>
#include <QWidget>

class QLabel;

namespace crm {

class NotesTextEdit;

// A record's notes beside its fields: a header ("Notes", who is typing, whether the notes are
// live or what waits to be sent) over the shared text.
class NotesPane : public QWidget
{
    Q_OBJECT
public:
    explicit NotesPane(QWidget* parent = nullptr);

    // Shows this note (owned by the pane from now on; null: none, and the pane hides).
    void setModel(NoteModel* model);
    NoteModel* model() const { return m_model; }
    NotesTextEdit* editor() const { return m_editor; }
    QString typingText() const;
    QString statusText() const;
    QString statusDetail() const;

private:
    void refresh();

    QPointer<NoteModel> m_model;
    QLabel* m_typing;
    QLabel* m_status;
    NotesTextEdit* m_editor;
};

} // namespace crm
