#include "ui/recordeditor.h"

#include "models/presencestore.h"
#include "models/recordtablemodel.h"
#include "models/recordviewersfilter.h"
#include "models/schema/recordschema.h"
#include "models/userdirectorymodel.h"
#include "ui/avatarstrip.h"
#include "ui/recorddelegate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QVBoxLayout>

namespace crm {

namespace {

using Type = FieldSpec::Type;

const QDate kNoDate(1900, 1, 1); // the date editors' "empty"

QJsonValue lineValue(QWidget* editor)
{
    const QString text = static_cast<QLineEdit*>(editor)->text().trimmed();
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

RecordEditor::RecordEditor(PresenceStore* presence, const QString& ownUserId, QWidget* parent)
    : QWidget(parent), m_presence(presence), m_ownUserId(ownUserId), m_title(new QLabel(this)),
      m_viewersFilter(new RecordViewersFilter(this)), m_form(new QWidget(this)),
      m_error(new QLabel(this)), m_readOnly(new QLabel(this)),
      m_save(new QPushButton(tr("Save"), this)), m_undoButton(new QPushButton(tr("Undo"), this)),
      m_delete(new QPushButton(tr("Delete"), this))
{
    setAccessibleName(tr("Record editor"));
    m_viewersFilter->setSourceModel(presence);
    m_viewers = new AvatarStrip(m_viewersFilter, this);
    m_viewers->setExcludedUser(ownUserId);
    m_viewers->setDiameter(22);
    m_viewers->setMaxVisible(4);
    m_viewers->setShowCount(false);
    m_viewers->setAccessibleName(tr("Also viewing this record"));

    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    header->addWidget(m_title, 1);
    header->addWidget(m_viewers);
    layout->addLayout(header);
    m_readOnly->setWordWrap(true);
    m_readOnly->setAccessibleName(tr("Read-only"));
    m_readOnly->setStyleSheet(QStringLiteral("QLabel { background: #fef3c7; color: #78350f; "
                                             "border-radius: 4px; padding: 6px; }"));
    m_readOnly->hide();
    layout->addWidget(m_readOnly);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_form);
    layout->addWidget(scroll, 1);

    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b91c1c;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QHBoxLayout;
    m_save->setToolTip(tr("Save the changes (Ctrl+S)"));
    m_undoButton->setToolTip(tr("Put back the values from before the last save (Ctrl+Z)"));
    m_delete->setToolTip(tr("Delete this record"));
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    buttons->addWidget(m_undoButton);
    buttons->addWidget(m_save);
    layout->addLayout(buttons);
    m_save->setDefault(true);

    connect(m_save, &QPushButton::clicked, this, &RecordEditor::save);
    connect(m_undoButton, &QPushButton::clicked, this, &RecordEditor::undoLastSave);
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (!m_table || m_recordId.isEmpty())
            return;
        if (QMessageBox::question(
                this, tr("Delete record"),
                tr("Delete this %1? Teammates see it go at once.").arg(m_table->spec().singular)) !=
            QMessageBox::Yes)
            return;
        m_table->deleteRecord(m_table->rowOf(m_recordId));
    });
    auto* saveShortcut = new QShortcut(QKeySequence::Save, this);
    connect(saveShortcut, &QShortcut::activated, this, &RecordEditor::save);
    auto* undoShortcut = new QShortcut(QKeySequence::Undo, this);
    undoShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(undoShortcut, &QShortcut::activated, this, &RecordEditor::undoLastSave);
    connect(presence, &PresenceStore::userChanged, this, &RecordEditor::refreshPresence);
    connect(presence, &QAbstractItemModel::rowsRemoved, this, &RecordEditor::refreshPresence);
    showRecord(nullptr, -1);
}

void RecordEditor::showRecord(RecordTableModel* table, int row)
{
    const bool sameTable = table == m_table;
    if (!sameTable && m_table)
        disconnect(m_table, nullptr, this, nullptr);
    m_table = table;
    m_creating = false;
    m_recordId = table && row >= 0 ? table->recordId(row) : QString();
    if (!sameTable && table) {
        // A teammate's change to the open record shows at once, unless the agent is mid-edit.
        connect(table, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex& topLeft, const QModelIndex&, const QList<int>& roles) {
                    // Values (and permission) only: a fading "changed just now" mark must not
                    // refill the form.
                    const bool values = roles.isEmpty() || roles.contains(Qt::DisplayRole) ||
                                        roles.contains(RecordTableModel::ReadOnlyReasonRole);
                    if (values && m_table && !m_recordId.isEmpty() &&
                        m_table->recordId(topLeft.row()) == m_recordId && !isDirty())
                        fill(m_table->recordValues(topLeft.row()));
                });
        connect(table, &QAbstractItemModel::rowsRemoved, this, [this] {
            if (m_table && !m_recordId.isEmpty() && m_table->rowOf(m_recordId) < 0)
                showRecord(m_table, -1);
        });
    }
    if (!sameTable)
        rebuild();
    m_viewersFilter->setRecord(table ? table->spec().name : QString(), m_recordId);
    m_presence->viewRecord(table ? table->spec().name : QString(), m_recordId);
    fill(table && row >= 0 ? table->recordValues(row) : QJsonObject());
}

void RecordEditor::setOwnUserId(const QString& userId)
{
    m_ownUserId = userId;
    m_viewers->setExcludedUser(userId);
    refreshPresence();
}

void RecordEditor::setReferenceTables(const QList<RecordTableModel*>& tables)
{
    m_references = tables;
    rebuild();
}

void RecordEditor::setUserDirectory(UserDirectoryModel* users)
{
    m_users = users;
    rebuild();
}

QComboBox* RecordEditor::modelCombo(QAbstractItemModel* model, const QString& placeholder)
{
    auto* combo = new QComboBox(m_form);
    combo->setModel(model);
    combo->setPlaceholderText(placeholder);
    // Sized by the form, not by the longest title of a table that may hold 100,000.
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(12);
    connect(combo, &QComboBox::currentIndexChanged, this, &RecordEditor::validate);
    return combo;
}

RecordTableModel* RecordEditor::referenced(const FieldSpec& field) const
{
    if (field.type != Type::Ref)
        return nullptr;
    for (auto* table : m_references) {
        if (table->spec().name == field.ref)
            return table;
    }
    return nullptr;
}

void RecordEditor::createNew(RecordTableModel* table)
{
    showRecord(table, -1);
    m_creating = true;
    fill({});
    if (!m_editors.isEmpty())
        m_editors.first()->setFocus();
}

void RecordEditor::rebuild()
{
    delete m_formLayout;
    qDeleteAll(m_form->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly));
    m_editors.clear();
    m_notes.clear();
    m_formLayout = new QFormLayout(m_form);
    m_formLayout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    if (!m_table)
        return;
    for (const auto& field : m_table->spec().fields) {
        QWidget* editor = makeEditor(field);
        editor->setAccessibleName(field.label);
        auto* note = new QLabel(m_form);
        note->setStyleSheet(QStringLiteral("color: #b45309;"));
        note->hide();
        auto* cell = new QWidget(m_form);
        auto* cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 0, 0);
        cellLayout->setSpacing(1);
        cellLayout->addWidget(editor);
        cellLayout->addWidget(note);
        m_formLayout->addRow(field.required ? tr("%1 *").arg(field.label) : field.label, cell);
        m_editors.append(editor);
        m_notes.append(note);
    }
}

QWidget* RecordEditor::makeEditor(const FieldSpec& field)
{
    QWidget* editor = nullptr;
    switch (field.type) {
    case Type::Money:
    case Type::Number: {
        auto* spin = new QDoubleSpinBox(m_form);
        spin->setDecimals(2);
        spin->setRange(field.min.value_or(-1e12), field.max.value_or(1e12));
        if (field.type == Type::Money)
            spin->setPrefix(QStringLiteral("$ "));
        spin->setGroupSeparatorShown(true);
        connect(spin, &QDoubleSpinBox::valueChanged, this, &RecordEditor::validate);
        editor = spin;
        break;
    }
    case Type::Integer: {
        auto* spin = new QSpinBox(m_form);
        spin->setRange(static_cast<int>(field.min.value_or(-2e9)),
                       static_cast<int>(field.max.value_or(2e9)));
        connect(spin, &QSpinBox::valueChanged, this, &RecordEditor::validate);
        editor = spin;
        break;
    }
    case Type::Date: {
        auto* date = new QDateEdit(m_form);
        date->setCalendarPopup(true);
        date->setMinimumDate(kNoDate);
        date->setSpecialValueText(tr("No date"));
        connect(date, &QDateEdit::dateChanged, this, &RecordEditor::validate);
        editor = date;
        break;
    }
    case Type::Ref:
        if (RecordTableModel* target = referenced(field)) {
            // The referenced module's live table, shown by its title column.
            auto* combo = modelCombo(target, tr("None"));
            const FieldSpec* title = target->spec().field(target->spec().titleField);
            combo->setModelColumn(
                title ? static_cast<int>(title - target->spec().fields.constData()) : 0);
            editor = combo;
            break;
        }
        [[fallthrough]];
    case Type::User:
        if (m_users) {
            editor = modelCombo(m_users, tr("Nobody"));
            break;
        }
        [[fallthrough]];
    case Type::Text:
    case Type::Email:
    case Type::Phone:
    case Type::DateTime: {
        auto* line = new QLineEdit(m_form);
        line->setMaxLength(field.maxLength);
        connect(line, &QLineEdit::textEdited, this, &RecordEditor::validate);
        editor = line;
        break;
    }
    case Type::Enum: {
        auto* combo = new QComboBox(m_form);
        combo->addItem(QString(), QString());
        for (const auto& value : field.values)
            combo->addItem(RecordDelegate::enumLabel(value), value);
        connect(combo, &QComboBox::currentIndexChanged, this, &RecordEditor::validate);
        editor = combo;
        break;
    }
    case Type::Bool: {
        auto* box = new QCheckBox(m_form);
        connect(box, &QCheckBox::toggled, this, &RecordEditor::validate);
        editor = box;
        break;
    }
    }
    // Telling teammates which field is being edited: on focus, and off when the form is left.
    editor->installEventFilter(this);
    editor->setProperty("crmField", field.name);
    return editor;
}

QJsonValue RecordEditor::valueOf(const FieldSpec& field, QWidget* editor) const
{
    switch (field.type) {
    case Type::Money:
    case Type::Number:
        return static_cast<QDoubleSpinBox*>(editor)->value();
    case Type::Integer:
        return static_cast<QSpinBox*>(editor)->value();
    case Type::Date: {
        const QDate date = static_cast<QDateEdit*>(editor)->date();
        return date == kNoDate ? QJsonValue(QJsonValue::Null)
                               : QJsonValue(date.toString(Qt::ISODate));
    }
    case Type::Enum: {
        const QString value = static_cast<QComboBox*>(editor)->currentData().toString();
        return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
    }
    case Type::Ref:
        if (RecordTableModel* target = referenced(field)) {
            const int row = static_cast<QComboBox*>(editor)->currentIndex();
            return row < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(target->recordId(row));
        }
        return lineValue(editor); // a module this window does not have: the id as text
    case Type::User:
        if (m_users) {
            auto* combo = static_cast<QComboBox*>(editor);
            const int row = combo->currentIndex();
            // Someone the directory does not know (yet): keep their id, never clear it.
            const QString unknown = combo->property("unknownUserId").toString();
            return row >= 0
                       ? QJsonValue(
                             m_users->index(row).data(UserDirectoryModel::UserIdRole).toString())
                   : unknown.isEmpty() ? QJsonValue(QJsonValue::Null)
                                       : QJsonValue(unknown);
        }
        return lineValue(editor);
    case Type::Bool:
        return static_cast<QCheckBox*>(editor)->isChecked();
    default:
        return lineValue(editor);
    }
}

void RecordEditor::setValue(const FieldSpec& field, QWidget* editor, const QJsonValue& value)
{
    switch (field.type) {
    case Type::Money:
    case Type::Number:
        static_cast<QDoubleSpinBox*>(editor)->setValue(value.toDouble());
        break;
    case Type::Integer:
        static_cast<QSpinBox*>(editor)->setValue(value.toInt());
        break;
    case Type::Date: {
        const QDate date = QDate::fromString(value.toString(), Qt::ISODate);
        static_cast<QDateEdit*>(editor)->setDate(date.isValid() ? date : kNoDate);
        break;
    }
    case Type::Enum: {
        auto* combo = static_cast<QComboBox*>(editor);
        combo->setCurrentIndex(std::max(0, combo->findData(value.toString())));
        break;
    }
    case Type::Ref:
        if (RecordTableModel* target = referenced(field))
            static_cast<QComboBox*>(editor)->setCurrentIndex(target->rowOf(value.toString()));
        else
            static_cast<QLineEdit*>(editor)->setText(value.toString());
        break;
    case Type::User:
        if (m_users) {
            auto* combo = static_cast<QComboBox*>(editor);
            const int row = m_users->rowOf(value.toString());
            combo->setProperty("unknownUserId", row < 0 ? value.toString() : QString());
            combo->setPlaceholderText(row < 0 && !value.toString().isEmpty() ? tr("Someone else")
                                                                             : tr("Nobody"));
            combo->setCurrentIndex(row);
        } else {
            static_cast<QLineEdit*>(editor)->setText(value.toString());
        }
        break;
    case Type::Bool:
        static_cast<QCheckBox*>(editor)->setChecked(value.toBool());
        break;
    default: {
        auto* line = static_cast<QLineEdit*>(editor);
        line->setText(value.toVariant().toString());
        line->setCursorPosition(0); // long text reads from its start
        break;
    }
    }
}

void RecordEditor::fill(const QJsonObject& values)
{
    m_filling = true;
    m_shown = {};
    const int row = m_table && !m_recordId.isEmpty() ? m_table->rowOf(m_recordId) : -1;
    // The server refused an edit of this record for lack of permission: look, don't touch.
    const QString readOnly = row >= 0 ? m_table->readOnlyReason(row) : QString();
    m_readOnly->setText(tr("Read-only: %1. Edit > Refused changes lets you discard the refused "
                           "edit.")
                            .arg(readOnly));
    m_readOnly->setVisible(!readOnly.isEmpty());
    const bool hasRecord = m_table && (row >= 0 || m_creating) && readOnly.isEmpty();
    for (int i = 0; m_table && i < m_editors.size(); ++i) {
        const FieldSpec& field = m_table->spec().fields.at(i);
        setValue(field, m_editors.at(i), values.value(field.name));
        const bool masked =
            row >= 0 && m_table->index(row, i).data(RecordTableModel::MaskedRole).toBool();
        m_editors.at(i)->setEnabled(hasRecord && !masked);
        m_editors.at(i)->setToolTip(masked ? tr("Hidden: only the record's owner and managers "
                                                "see this")
                                           : QString());
        m_shown.insert(field.name, valueOf(field, m_editors.at(i)));
    }
    m_filling = false;
    if (!m_table)
        m_title->setText(tr("No record selected"));
    else if (m_creating)
        m_title->setText(tr("New %1").arg(m_table->spec().singular));
    else if (row < 0)
        m_title->setText(tr("Select a record to see it here"));
    else {
        const QString titleField = m_table->spec().titleField;
        const QString name = values.value(titleField).toVariant().toString();
        m_title->setText(name.isEmpty() ? m_table->spec().singular
                                        : tr("%1 %2").arg(m_table->spec().singular, name));
    }
    m_delete->setEnabled(row >= 0 && readOnly.isEmpty());
    m_undoButton->setEnabled(!m_undo.isEmpty() && m_undoRecordId == m_recordId);
    validate();
    refreshPresence();
}

QJsonObject RecordEditor::editedValues() const
{
    QJsonObject changed;
    for (int i = 0; m_table && i < m_editors.size(); ++i) {
        const FieldSpec& field = m_table->spec().fields.at(i);
        if (!m_editors.at(i)->isEnabled())
            continue;
        const QJsonValue value = valueOf(field, m_editors.at(i));
        if (value != m_shown.value(field.name))
            changed.insert(field.name, value);
    }
    return changed;
}

bool RecordEditor::isDirty() const
{
    return !editedValues().isEmpty();
}

QString RecordEditor::readOnlyText() const
{
    return m_readOnly->isHidden() ? QString() : m_readOnly->text();
}

QString RecordEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void RecordEditor::validate()
{
    if (m_filling)
        return;
    QString problem;
    if (m_table) {
        const QJsonObject values = m_creating ? [this] {
            QJsonObject all = editedValues();
            for (auto it = all.begin(); it != all.end();) // a create sends only what is set
                it = it.value().isNull() ? all.erase(it) : std::next(it);
            return all;
        }()
                                              : editedValues();
        if (const auto refused =
                RecordSchema::instance().validate(m_table->spec(), values, m_creating)) {
            const FieldSpec* field = m_table->spec().field(refused->field);
            problem = field ? tr("%1: %2").arg(field->label, refused->message) : refused->message;
        }
    }
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    m_save->setEnabled(m_table && problem.isEmpty() && (m_creating || isDirty()));
}

bool RecordEditor::save()
{
    if (!m_table || !m_save->isEnabled())
        return false;
    QString error;
    if (m_creating) {
        QJsonObject values = editedValues();
        for (auto it = values.begin(); it != values.end();)
            it = it.value().isNull() ? values.erase(it) : std::next(it);
        const QString id = m_table->createRecord(values, &error);
        if (id.isEmpty()) {
            m_error->setText(error);
            m_error->show();
            return false;
        }
        m_creating = false;
        m_recordId = id;
        emit created(id);
        fill(m_table->recordValues(m_table->rowOf(id)));
        return true;
    }
    const QJsonObject changed = editedValues();
    QJsonObject before;
    for (auto it = changed.begin(); it != changed.end(); ++it)
        before.insert(it.key(), m_shown.value(it.key()));
    if (!m_table->updateRecord(m_table->rowOf(m_recordId), changed, &error)) {
        m_error->setText(error);
        m_error->show();
        return false;
    }
    m_undo = before;
    m_undoRecordId = m_recordId;
    m_presence->editField({});
    fill(m_table->recordValues(m_table->rowOf(m_recordId)));
    return true;
}

bool RecordEditor::undoLastSave()
{
    if (!m_table || m_undo.isEmpty() || m_undoRecordId != m_recordId)
        return false;
    const int row = m_table->rowOf(m_recordId);
    if (!m_table->updateRecord(row, m_undo))
        return false;
    m_undo = {};
    fill(m_table->recordValues(row));
    return true;
}

QWidget* RecordEditor::editorFor(const QString& field) const
{
    for (QWidget* editor : m_editors) {
        if (editor->property("crmField").toString() == field)
            return editor;
    }
    return nullptr;
}

QString RecordEditor::fieldNote(const QString& field) const
{
    for (int i = 0; i < m_editors.size(); ++i) {
        if (m_editors.at(i)->property("crmField").toString() == field)
            return m_notes.at(i)->isHidden() ? QString() : m_notes.at(i)->text();
    }
    return {};
}

bool RecordEditor::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::FocusIn && !m_recordId.isEmpty()) {
        m_presence->editField(watched->property("crmField").toString());
        refreshPresence();
    }
    return QWidget::eventFilter(watched, event);
}

void RecordEditor::refreshPresence()
{
    for (int i = 0; m_table && i < m_editors.size(); ++i) {
        const QString field = m_table->spec().fields.at(i).name;
        const QString editorId =
            m_recordId.isEmpty()
                ? QString()
                : m_presence->editorOf(m_table->spec().name, m_recordId, field, m_ownUserId);
        const auto who = editorId.isEmpty() ? std::nullopt : m_presence->presenceOf(editorId);
        QLabel* note = m_notes.at(i);
        if (!who) {
            note->hide();
            continue;
        }
        // A soft warning when the agent is in that same field.
        note->setText(m_editors.at(i)->hasFocus()
                          ? tr("%1 is editing this too: your save may meet theirs").arg(who->name)
                          : tr("%1 is editing").arg(who->name));
        note->show();
    }
}

} // namespace crm
