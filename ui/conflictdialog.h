#pragma once

#include <QDialog>
#include <QJsonObject>
#include <QVariantList>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace crm {

class ConflictModel;
class FieldInput;
class RecordTableModel;
class UserDirectoryModel;

// One conflict, field by field: base, mine and theirs side by side with what differs from the
// base highlighted, and per field "mine", "theirs" or a typed value; or, for a record someone
// deleted, "restore with my changes" / "discard my changes"; for my delete of a record someone
// changed since I saw it, "delete anyway" / "keep it". A typed value goes through the field's
// own FieldInput, so it is checked as in the editor and cannot be applied while it is wrong.
// It only collects the choice: the app hands it to the ConflictResolver.
class ConflictDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Decision
    {
        None,         // closed without choosing: the conflict stays open
        KeepMine,     // all my values
        TakeTheirs,   // all theirs: my edit is dropped
        Merge,        // per field: mergedValues()
        Restore,      // deleted by someone else: bring it back with my changes
        Discard,      // deleted by someone else: let it go; changed after my delete: keep it
        DeleteAnyway, // my delete met someone else's later change: delete it as it is now
    };
    Q_ENUM(Decision)

    // `tables` and `users` let a typed reference or person be chosen by name.
    ConflictDialog(const ConflictModel& conflicts, int row, QWidget* parent = nullptr,
                   const QList<RecordTableModel*>& tables = {},
                   UserDirectoryModel* users = nullptr);

    qint64 conflictId() const { return m_conflictId; }
    Decision decision() const { return m_decision; }
    // For Merge: the value of every field the agent did not leave to theirs.
    QJsonObject mergedValues() const;

    // Per-field choice, by row of the field table (for tests and keyboard users).
    enum class Keep
    {
        Mine,
        Theirs,
        Typed,
    };
    void choose(int fieldRow, Keep keep, const QString& typed = {});
    int fieldCount() const { return static_cast<int>(m_fields.size()); }
    // Whether a cell of the field table is highlighted as differing from the base.
    bool isHighlighted(int fieldRow, int column) const;
    // Why "Apply my choices" waits (a typed value that is not valid), empty when it does not.
    QString problem() const;

private:
    void decide(Decision decision);
    void validate();

    qint64 m_conflictId = 0;
    bool m_deleted = false;
    bool m_changed = false; // my delete met a later change
    QVariantList m_fields;
    QTableWidget* m_table;
    QList<QComboBox*> m_choices;
    QList<FieldInput*> m_typed;
    QLabel* m_problem = nullptr;
    QPushButton* m_apply = nullptr;
    Decision m_decision = Decision::None;
};

} // namespace crm
