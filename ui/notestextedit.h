#pragma once

#include "models/notemodel.h"

#include <functional>
#include <QPlainTextEdit>
#include <QPointer>

namespace crm {

// The text of a record's notes, written together: the agent's typing goes to the NoteModel as
// edits, colleagues' text comes in at its place without moving the agent's caret, and each
// colleague's caret is drawn in their colour (their selection shaded), with their name on
// hover and above the caret while they type. Undo and redo (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y) take
// back only the agent's own edits. Markdown source: **bold**, # headings and - lists show as
// such, and Ctrl+B wraps the selection in **.
class NotesTextEdit : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit NotesTextEdit(QWidget* parent = nullptr);

    // Binds to a note (null: none, read-only and empty).
    void setModel(NoteModel* model);
    // The colour a colleague has in this window (their avatar's), by user id; invalid: the
    // colour their editor sent.
    void setColorOf(std::function<QColor(const QString& userId)> colorOf);
    NoteModel* model() const { return m_model; }
    // Where colleagues' carets are drawn now (viewport coordinates), with their names: for tests
    // and the tooltip.
    QList<QPair<QString, QRect>> caretRects() const;

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    void onContentsChange(int position, int charsRemoved, int charsAdded);
    void applyChange(qsizetype position, qsizetype removed, const QString& inserted);
    void refreshCarets();
    void toggleBold();

    QPointer<NoteModel> m_model;
    QColor colorOf(const NoteModel::Caret& caret) const;

    std::function<QColor(const QString& userId)> m_colorOf;
    QString m_shadow;        // the text as the model has it: what a local change is diffed to
    bool m_applying = false; // a change from the model is being applied: not an edit to send
};

} // namespace crm
