#pragma once

#include "protocol/recordschema.h"
#include "ui/valuetext.h"

#include <optional>
#include <QJsonValue>
#include <QWidget>

class QAbstractItemModel;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace crm {

class RecordTableModel;
class UserDirectoryModel;

// One field's typed editor with its own inline error: money and numbers, dates and times are
// typed as text and read by ValueText, so text that is not a valid value is shown as an error
// under the field and never saved as something else; the limits are in the placeholder before
// they bite; long text is multi-line with a character count. Enums, references and people are
// chosen from lists. Used by the record editor and the conflict dialog's "Type a value".
class FieldInput : public QWidget
{
    Q_OBJECT
public:
    // `referenced` is the live table a reference field picks from, `users` the brokerage's
    // people; either may be null (then the id is typed as text).
    FieldInput(const FieldSpec& field, RecordTableModel* referenced, UserDirectoryModel* users,
               QWidget* parent = nullptr);

    const FieldSpec& field() const { return m_field; }
    // Shows a value as it is; what value() then gives back is that same value, untouched.
    void setValue(const QJsonValue& value);
    // As if the agent had typed it: a value, or text that may not be a valid value yet (a
    // draft coming back). value() then reads what is shown.
    void edit(const QJsonValue& value);
    void type(const QString& text);
    // Text the agent typed that is not a valid value yet ("12abc"), for keeping it in a draft.
    QString invalidText() const;
    // What is shown, as a value; nullopt while the text is not a valid value (problem() says
    // why, and the field shows it).
    std::optional<QJsonValue> value() const;
    QString problem() const;
    // A value this agent may not see: shown as hidden, never as an empty or zero value.
    void setMasked(bool masked);
    bool isMasked() const { return m_masked; }
    void setEditable(bool editable);
    bool isEditable() const;
    // Where the field has no room for its own error line (a table cell), its owner says it.
    void setProblemShown(bool shown);
    // Focus with the text selected, so what is typed replaces it.
    void focusToReplace();
    // The widget that takes the keyboard (for focus, tests and accessibility).
    QWidget* editor() const { return m_editor; }

signals:
    void edited();
    void focused();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* makeTextEditor();
    QComboBox* makeCombo();
    QString text() const;
    void setText(const QString& text);
    bool readsText() const; // typed text (not a list or a box)
    void onEdited();
    void tidy(); // rewrites valid typed text as the editor writes it ("450000" -> "$ 450,000.00")
    void showProblem();
    void chooseDate();
    // Reference and person lists: the id chosen in the list, or the row of an id in it.
    QString chosenId() const;
    int rowOfId(const QString& id) const;
    void keepChoiceThrough(QAbstractItemModel* choices);
    void reselectKept();
    void showKeptPlaceholder();

    FieldSpec m_field;
    RecordTableModel* m_referenced;
    UserDirectoryModel* m_users;
    ValueText m_text;
    QWidget* m_editor = nullptr;
    QLineEdit* m_line = nullptr;
    QPlainTextEdit* m_lines = nullptr;
    QComboBox* m_combo = nullptr;
    QCheckBox* m_check = nullptr;
    QToolButton* m_calendar = nullptr;
    QLabel* m_problem;
    QLabel* m_count = nullptr;
    QJsonValue m_original;
    QString m_originalText;
    // A reference or person the list does not hold right now (a record out of this copy, its
    // table reloading, someone the directory does not know yet): kept, never read as "none".
    QString m_keptId;
    bool m_masked = false;
    bool m_filling = false;
    bool m_problemShown = true;
};

} // namespace crm
