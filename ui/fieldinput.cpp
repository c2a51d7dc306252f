#include "ui/fieldinput.h"

#include "models/recordtablemodel.h"
#include "models/userdirectorymodel.h"
#include "ui/recorddelegate.h"

#include <QCalendarWidget>
#include <QCheckBox>
#include <QComboBox>
#include <QDate>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace crm {

namespace {

using Type = FieldSpec::Type;

// Above this limit text is a note, not a name: several lines, with a count.
constexpr int kMultiLineAbove = 300;

} // namespace

FieldInput::FieldInput(const FieldSpec& field, RecordTableModel* referenced,
                       UserDirectoryModel* users, QWidget* parent)
    : QWidget(parent), m_field(field), m_referenced(field.type == Type::Ref ? referenced : nullptr),
      m_users(field.type == Type::User ? users : nullptr), m_problem(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    switch (field.type) {
    case Type::Enum:
        m_combo = makeCombo();
        m_combo->addItem(QString(), QString());
        for (const auto& value : field.values)
            m_combo->addItem(RecordDelegate::enumLabel(value), value);
        m_editor = m_combo;
        break;
    case Type::Ref:
    case Type::User:
        if (m_referenced || m_users) {
            m_combo = makeCombo();
            m_combo->setModel(m_referenced ? static_cast<QAbstractItemModel*>(m_referenced)
                                           : static_cast<QAbstractItemModel*>(m_users));
            m_combo->setPlaceholderText(m_referenced ? tr("None") : tr("Nobody"));
            keepChoiceThrough(m_combo->model());
            if (m_referenced) {
                // The referenced module's live table, shown by its title column.
                const ModuleSpec& spec = m_referenced->spec();
                const FieldSpec* title = spec.field(spec.titleField);
                m_combo->setModelColumn(title ? static_cast<int>(title - spec.fields.constData())
                                              : 0);
            }
            m_editor = m_combo;
        } else {
            m_editor = makeTextEditor(); // a module this window does not have: the id as text
        }
        break;
    case Type::Bool:
        m_check = new QCheckBox(this);
        connect(m_check, &QCheckBox::toggled, this, &FieldInput::onEdited);
        m_editor = m_check;
        break;
    default:
        m_editor = makeTextEditor();
        break;
    }
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_editor, 1);
    if (field.type == Type::Date) {
        m_calendar = new QToolButton(this);
        m_calendar->setText(QStringLiteral("\u25BE"));
        m_calendar->setToolTip(tr("Pick a date"));
        m_calendar->setAccessibleName(tr("Pick %1").arg(field.label));
        connect(m_calendar, &QToolButton::clicked, this, &FieldInput::chooseDate);
        row->addWidget(m_calendar);
    }
    if (m_count && m_line)
        row->addWidget(m_count, 0, Qt::AlignBottom);
    layout->addLayout(row);
    if (m_count && m_lines) // under a note, so the note keeps the whole width
        layout->addWidget(m_count, 0, Qt::AlignRight);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #dc2626;"));
    m_problem->setAccessibleName(tr("Problem with %1").arg(field.label));
    m_problem->hide();
    layout->addWidget(m_problem);
    m_editor->installEventFilter(this);
    m_editor->setAccessibleName(field.label);
    setFocusProxy(m_editor);
}

QWidget* FieldInput::makeTextEditor()
{
    const QString hint = m_text.hint(m_field);
    if (m_field.type == Type::Text && m_field.maxLength > kMultiLineAbove) {
        m_lines = new QPlainTextEdit(this);
        m_lines->setTabChangesFocus(true);
        m_lines->setPlaceholderText(hint);
        m_lines->setFixedHeight(m_lines->fontMetrics().lineSpacing() * 5 + 12);
        connect(m_lines, &QPlainTextEdit::textChanged, this, [this] {
            if (!m_filling)
                onEdited();
        });
        m_count = new QLabel(this);
        m_count->setAccessibleName(tr("Characters used"));
        return m_lines;
    }
    // No setMaxLength: a paste past the limit is shown whole and refused, never cut silently.
    m_line = new QLineEdit(this);
    m_line->setPlaceholderText(hint);
    m_line->setToolTip(hint);
    connect(m_line, &QLineEdit::textEdited, this, &FieldInput::onEdited);
    connect(m_line, &QLineEdit::editingFinished, this, &FieldInput::tidy);
    if (m_field.type == Type::Text && m_field.maxLength >= 60) {
        m_count = new QLabel(this);
        m_count->setAccessibleName(tr("Characters used"));
    }
    if (m_field.type == Type::Money || m_field.type == Type::Number ||
        m_field.type == Type::Integer)
        m_line->setAlignment(Qt::AlignRight);
    return m_line;
}

QComboBox* FieldInput::makeCombo()
{
    auto* combo = new QComboBox(this);
    // Sized by the form, not by the longest title of a table that may hold 100,000.
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(12);
    connect(combo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_filling)
            return;
        if (index >= 0)
            m_keptId.clear(); // the agent chose someone or something in the list
        onEdited();
    });
    return combo;
}

QString FieldInput::chosenId() const
{
    const int row = m_combo ? m_combo->currentIndex() : -1;
    if (row < 0)
        return {};
    return m_referenced ? m_referenced->recordId(row)
                        : m_users->index(row).data(UserDirectoryModel::UserIdRole).toString();
}

int FieldInput::rowOfId(const QString& id) const
{
    if (id.isEmpty())
        return -1;
    return m_referenced ? m_referenced->rowOf(id) : m_users->rowOf(id);
}

void FieldInput::keepChoiceThrough(QAbstractItemModel* choices)
{
    // A list that reloads or loses the chosen row must not change the value: QComboBox would
    // fall back to no choice (or another row), and Save would send that as the agent's edit.
    connect(choices, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        if (const QString id = chosenId(); !id.isEmpty())
            m_keptId = id;
        m_filling = true;
    });
    connect(choices, &QAbstractItemModel::modelReset, this, [this] {
        m_filling = false;
        reselectKept();
    });
    connect(choices, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex&, int first, int last) {
                const int row = m_combo->currentIndex();
                if (row < first || row > last)
                    return;
                m_keptId = chosenId();
                const bool was = std::exchange(m_filling, true);
                m_combo->setCurrentIndex(-1);
                m_filling = was;
                showKeptPlaceholder();
            });
    connect(choices, &QAbstractItemModel::rowsInserted, this, &FieldInput::reselectKept);
}

void FieldInput::reselectKept()
{
    const int row = rowOfId(m_keptId);
    if (row >= 0) {
        const bool was = std::exchange(m_filling, true);
        m_combo->setCurrentIndex(row);
        m_filling = was;
        m_keptId.clear();
    } else if (!m_keptId.isEmpty() && m_combo->currentIndex() >= 0) {
        const bool was = std::exchange(m_filling, true);
        m_combo->setCurrentIndex(-1); // what a reset left selected is not the kept choice
        m_filling = was;
    }
    showKeptPlaceholder();
}

void FieldInput::showKeptPlaceholder()
{
    if (m_referenced)
        m_combo->setPlaceholderText(m_keptId.isEmpty() ? tr("None")
                                                       : tr("A record not in your copy"));
    else
        m_combo->setPlaceholderText(m_keptId.isEmpty() ? tr("Nobody") : tr("Someone else"));
}

bool FieldInput::readsText() const
{
    return m_line || m_lines;
}

QString FieldInput::text() const
{
    return m_line ? m_line->text() : m_lines ? m_lines->toPlainText() : QString();
}

void FieldInput::setText(const QString& text)
{
    if (m_line) {
        m_line->setText(text);
        m_line->setCursorPosition(0); // long text reads from its start
    } else if (m_lines) {
        m_lines->setPlainText(text);
    }
}

void FieldInput::setValue(const QJsonValue& value)
{
    m_filling = true;
    m_original = value;
    if (m_combo && m_field.type == Type::Enum) {
        m_combo->setCurrentIndex(std::max(0, m_combo->findData(value.toString())));
    } else if (m_combo && (m_referenced || m_users)) {
        const int row = rowOfId(value.toString());
        m_keptId = row < 0 ? value.toString() : QString();
        showKeptPlaceholder();
        m_combo->setCurrentIndex(row);
    } else if (m_check) {
        m_check->setChecked(value.toBool());
    } else {
        setText(m_text.write(m_field, value));
    }
    m_originalText = text();
    m_filling = false;
    showProblem();
}

void FieldInput::edit(const QJsonValue& value)
{
    const QJsonValue original = m_original;
    const QString originalText = m_originalText;
    setValue(value);
    m_original = original;
    m_originalText = originalText;
    showProblem();
}

void FieldInput::type(const QString& text)
{
    if (!readsText())
        return;
    setText(text);
    showProblem();
}

QString FieldInput::invalidText() const
{
    return problem().isEmpty() ? QString() : text();
}

std::optional<QJsonValue> FieldInput::value() const
{
    if (m_combo && m_field.type == Type::Enum) {
        const QString value = m_combo->currentData().toString();
        return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
    }
    if (m_combo && (m_referenced || m_users)) {
        const QString id = m_combo->currentIndex() >= 0 ? chosenId() : m_keptId;
        return id.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(id);
    }
    if (m_check)
        return m_check->isChecked();
    // Untouched text gives back exactly the value it was filled with (seconds, long decimals).
    if (text() == m_originalText)
        return m_original.isUndefined() ? QJsonValue(QJsonValue::Null) : m_original;
    const ValueText::Reading reading = m_text.read(m_field, text());
    if (!reading.ok())
        return std::nullopt;
    return reading.value;
}

QString FieldInput::problem() const
{
    if (!readsText() || m_masked || text() == m_originalText)
        return {};
    return m_text.read(m_field, text()).problem;
}

void FieldInput::setMasked(bool masked)
{
    m_masked = masked;
    if (masked) {
        m_filling = true;
        setText({});
        m_originalText = text();
        m_filling = false;
    }
    const QString hidden = tr("Hidden (owner and managers only)");
    if (m_line)
        m_line->setPlaceholderText(masked ? hidden : m_text.hint(m_field));
    if (m_lines)
        m_lines->setPlaceholderText(masked ? hidden : m_text.hint(m_field));
    setToolTip(masked ? hidden : QString());
    showProblem();
}

void FieldInput::setEditable(bool editable)
{
    m_editor->setEnabled(editable);
    if (m_calendar)
        m_calendar->setEnabled(editable);
}

bool FieldInput::isEditable() const
{
    return m_editor->isEnabled();
}

void FieldInput::setProblemShown(bool shown)
{
    m_problemShown = shown;
    showProblem();
}

void FieldInput::focusToReplace()
{
    m_editor->setFocus();
    if (m_line)
        m_line->selectAll();
    else if (m_lines)
        m_lines->selectAll();
}

void FieldInput::onEdited()
{
    if (m_filling)
        return;
    showProblem();
    emit edited();
}

void FieldInput::tidy()
{
    if (m_field.type == Type::Text || text() == m_originalText)
        return;
    const ValueText::Reading reading = m_text.read(m_field, text());
    if (!reading.ok())
        return;
    const QString tidied = m_text.write(m_field, reading.value);
    if (tidied != text()) {
        m_line->setText(tidied);
        showProblem();
    }
}

void FieldInput::showProblem()
{
    const QString problem = this->problem();
    m_problem->setText(problem);
    m_problem->setVisible(m_problemShown && !problem.isEmpty());
    if (m_line)
        m_line->setStyleSheet(problem.isEmpty() ? QString()
                                                : QStringLiteral("QLineEdit { border: 1px solid "
                                                                 "#dc2626; border-radius: 3px; }"));
    if (m_lines)
        m_lines->setStyleSheet(
            problem.isEmpty() ? QString()
                              : QStringLiteral("QPlainTextEdit { border: 1px solid #dc2626; }"));
    if (m_count) {
        const auto used = text().size();
        // The count shows once the limit is in sight, and always for long notes.
        const QLocale locale;
        m_count->setText(
            tr("%1 / %2").arg(locale.toString(used), locale.toString(m_field.maxLength)));
        m_count->setVisible(!m_masked && (m_lines || used * 10 >= m_field.maxLength * 8));
    }
}

void FieldInput::chooseDate()
{
    QMenu popup(this);
    auto* calendar = new QCalendarWidget(&popup);
    const auto current = value();
    const QDate shown =
        current ? QDate::fromString(current->toString(), Qt::ISODate) : QDate::currentDate();
    calendar->setSelectedDate(shown.isValid() ? shown : QDate::currentDate());
    auto* action = new QWidgetAction(&popup);
    action->setDefaultWidget(calendar);
    popup.addAction(action);
    connect(calendar, &QCalendarWidget::clicked, &popup, [this, &popup](QDate date) {
        m_line->setText(m_text.write(m_field, QJsonValue(date.toString(Qt::ISODate))));
        popup.close();
        onEdited();
    });
    popup.exec(m_calendar->mapToGlobal(QPoint(0, m_calendar->height())));
}

bool FieldInput::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_editor && event->type() == QEvent::FocusIn)
        emit focused();
    return QWidget::eventFilter(watched, event);
}

} // namespace crm
