#pragma once

#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QFormLayout;
class QAbstractItemModel;
class QComboBox;
class QLabel;
class QPushButton;

namespace crm {

class AvatarStrip;
class PresenceStore;
class RecordTableModel;
class RecordViewersFilter;
class UserDirectoryModel;
struct FieldSpec;

// The record beside the table: a typed editor per schema field (text, numbers and money in spin
// boxes with the server's limits, dates in a calendar, enums in a list), checked as the agent
// types. Save (Ctrl+S) queues one edit of the changed fields and shows it at once; Undo
// (Ctrl+Z) queues the values from before the last save. Who else views the record is shown
// with avatars, and a field someone else is editing right now says so; editing it anyway is
// allowed, with a soft warning. Binds to the table model and the presence store only.
class RecordEditor : public QWidget
{
    Q_OBJECT
public:
    RecordEditor(PresenceStore* presence, const QString& ownUserId, QWidget* parent = nullptr);

    // Shows a record of this table (row -1: nothing); createNew() starts an empty one.
    void showRecord(RecordTableModel* table, int row);
    void createNew(RecordTableModel* table);

    void setOwnUserId(const QString& userId);
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
    // The note beside a field ("Priya is editing"), empty when none.
    QString fieldNote(const QString& field) const;

signals:
    void created(const QString& recordId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void fill(const QJsonObject& values);
    QJsonObject editedValues() const;
    void validate();
    void refreshPresence();
    QWidget* makeEditor(const FieldSpec& field);
    QJsonValue valueOf(const FieldSpec& field, QWidget* editor) const;
    void setValue(const FieldSpec& field, QWidget* editor, const QJsonValue& value);
    // A combo over a model (a referenced table, the user directory), checked when it changes.
    QComboBox* modelCombo(QAbstractItemModel* model, const QString& placeholder);
    RecordTableModel* referenced(const FieldSpec& field) const;

    PresenceStore* m_presence;
    QString m_ownUserId;
    QPointer<RecordTableModel> m_table;
    QList<RecordTableModel*> m_references;
    UserDirectoryModel* m_users = nullptr;
    QString m_recordId; // empty while creating
    bool m_creating = false;
    QJsonObject m_shown; // the values the form was filled with
    QJsonObject m_undo;  // values from before the last save
    QString m_undoRecordId;
    QLabel* m_title;
    AvatarStrip* m_viewers;
    RecordViewersFilter* m_viewersFilter;
    QWidget* m_form;
    QFormLayout* m_formLayout = nullptr;
    QList<QWidget*> m_editors; // by schema field
    QList<QLabel*> m_notes;    // by schema field
    QLabel* m_error;
    QLabel* m_readOnly; // why the record cannot be edited here, when the server said so
    QPushButton* m_save;
    QPushButton* m_undoButton;
    QPushButton* m_delete;
    bool m_filling = false;
};

} // namespace crm
