#pragma once

#include <QList>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace crm {

class FieldInput;
class RecordTableModel;
class UserDirectoryModel;
struct ModuleSpec;

// The fields of one module as a form: a labelled FieldInput per schema field, each with a note
// line under it for what others do to that field ("Priya is editing", "Changed to ... while you
// were editing"). Narrower than kWrapBelow, every label goes above its field, not some above
// and some beside. The record editor fills it and reads it; the form knows no record.
class RecordForm : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kWrapBelow = 320; // the form's width (the editor's, less margins)

    explicit RecordForm(QWidget* parent = nullptr);

    // One input per field of `spec` (none for null); `references` are the tables a reference
    // field picks from, `users` the people a person field picks from.
    void build(const ModuleSpec* spec, const QList<RecordTableModel*>& references,
               UserDirectoryModel* users);
    const QList<FieldInput*>& inputs() const { return m_inputs; }
    FieldInput* input(const QString& field) const;
    void setNote(const QString& field, const QString& text);
    QString note(const QString& field) const;

signals:
    void edited();
    void fieldFocused(const QString& field);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyWrap();

    QFormLayout* m_layout = nullptr;
    QList<FieldInput*> m_inputs;
    QList<QLabel*> m_notes; // by input
};

} // namespace crm
