#include "ui/recordform.h"

#include "models/recordtablemodel.h"
#include "protocol/recordschema.h"
#include "ui/fieldinput.h"

#include <QFormLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QVBoxLayout>

namespace crm {

RecordForm::RecordForm(QWidget* parent) : QWidget(parent) {}

void RecordForm::build(const ModuleSpec* spec, const QList<RecordTableModel*>& references,
                       UserDirectoryModel* users)
{
    delete m_layout;
    qDeleteAll(findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly));
    m_inputs.clear();
    m_notes.clear();
    m_layout = new QFormLayout(this);
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    applyWrap();
    if (!spec)
        return;
    for (const auto& field : spec->fields) {
        if (field.derived)
            continue; // the notes' text is written in the notes pane below
        RecordTableModel* referenced = nullptr;
        for (auto* table : references) {
            if (field.type == FieldSpec::Type::Ref && table->spec().name == field.ref)
                referenced = table;
        }
        auto* input = new FieldInput(field, referenced, users, this);
        connect(input, &FieldInput::edited, this, &RecordForm::edited);
        connect(input, &FieldInput::focused, this,
                [this, name = field.name] { emit fieldFocused(name); });
        input->editor()->setProperty("crmField", field.name);
        auto* note = new QLabel(this);
        note->setStyleSheet(QStringLiteral("color: #b45309;"));
        note->setWordWrap(true);
        note->hide();
        auto* cell = new QWidget(this);
        auto* cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 0, 0);
        cellLayout->setSpacing(1);
        cellLayout->addWidget(input);
        cellLayout->addWidget(note);
        m_layout->addRow(field.required ? tr("%1 *").arg(field.label) : field.label, cell);
        m_inputs.append(input);
        m_notes.append(note);
    }
}

FieldInput* RecordForm::input(const QString& field) const
{
    for (FieldInput* input : m_inputs) {
        if (input->field().name == field)
            return input;
    }
    return nullptr;
}

void RecordForm::setNote(const QString& field, const QString& text)
{
    const qsizetype at = m_inputs.indexOf(input(field));
    if (at < 0)
        return;
    m_notes.at(at)->setText(text);
    m_notes.at(at)->setVisible(!text.isEmpty());
}

QString RecordForm::note(const QString& field) const
{
    const qsizetype at = m_inputs.indexOf(input(field));
    return at < 0 || m_notes.at(at)->isHidden() ? QString() : m_notes.at(at)->text();
}

void RecordForm::applyWrap()
{
    if (m_layout)
        m_layout->setRowWrapPolicy(width() < kWrapBelow ? QFormLayout::WrapAllRows
                                                        : QFormLayout::DontWrapRows);
}

void RecordForm::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    applyWrap();
}

} // namespace crm
