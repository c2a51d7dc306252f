#include "ui/conflictdialog.h"

#include "models/conflictmodel.h"
#include "models/recordtablemodel.h"
#include "protocol/recordschema.h"
#include "ui/fieldinput.h"
#include "ui/recorddelegate.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace crm {

namespace {

enum Column
{
    FieldColumn,
    BaseColumn,
    MineColumn,
    TheirsColumn,
    KeepColumn,
    TypedColumn,
};

// A value as the table shows it (money, dates, enum words), or "(empty)".
QString shown(const FieldSpec* field, const QVariant& value)
{
    if (!value.isValid() || value.isNull())
        return QObject::tr("(empty)");
    return field ? RecordDelegate::format(*field, value, QLocale()) : value.toString();
}

} // namespace

ConflictDialog::ConflictDialog(const ConflictModel& conflicts, int row, QWidget* parent,
                               const QList<RecordTableModel*>& tables, UserDirectoryModel* users)
    : QDialog(parent), m_table(new QTableWidget(this))
{
    const QModelIndex index = conflicts.index(row);
    m_conflictId = index.data(ConflictModel::ConflictIdRole).toLongLong();
    m_deleted = index.data(ConflictModel::KindRole).toString() == QStringLiteral("deleted");
    m_changed = index.data(ConflictModel::KindRole).toString() == QStringLiteral("changed");
    m_fields = index.data(ConflictModel::FieldsRole).toList();
    const ModuleSpec* spec =
        RecordSchema::instance().module(index.data(ConflictModel::ModuleRole).toString());
    setWindowTitle(
        tr("Resolve a conflict - %1").arg(index.data(ConflictModel::RecordTitleRole).toString()));
    setAccessibleName(tr("Conflict resolution"));

    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(index.data().toString(), this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    layout->addWidget(heading);
    m_problem = new QLabel(this); // after the heading: the heading is the dialog's first label
    auto* explain = new QLabel(
        m_changed   ? tr("You deleted it, but these fields changed since you last saw them. "
                           "Delete it anyway, or keep it?")
        : m_deleted ? tr("Your changes are below. Bring the record back with them, or let it go.")
                    : tr("Choose, for each field, whose value to keep, or type the value it "
                         "should have."),
        this);
    explain->setWordWrap(true);
    layout->addWidget(explain);

    const QStringList headers = m_changed   ? QStringList{tr("Field"), tr("Now")}
                                : m_deleted ? QStringList{tr("Field"), tr("Base"), tr("Mine")}
                                            : QStringList{tr("Field"),  tr("Base"), tr("Mine"),
                                                          tr("Theirs"), tr("Keep"), tr("Value")};
    m_table->setColumnCount(static_cast<int>(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(static_cast<int>(m_fields.size()));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QColor mineTint(59, 130, 246, 60);   // blue, as the pending edge
    const QColor theirsTint(245, 158, 11, 70); // amber, as the conflict edge
    for (int i = 0; i < m_fields.size(); ++i) {
        const QVariantMap field = m_fields.at(i).toMap();
        const QVariant base = field.value(QStringLiteral("base"));
        const FieldSpec* fieldSpec =
            spec ? spec->field(field.value(QStringLiteral("field")).toString()) : nullptr;
        m_table->setItem(i, FieldColumn,
                         new QTableWidgetItem(field.value(QStringLiteral("label")).toString()));
        if (m_changed) { // one column: the value a delete anyway would throw away
            m_table->setItem(
                i, BaseColumn,
                new QTableWidgetItem(shown(fieldSpec, field.value(QStringLiteral("theirs")))));
            continue;
        }
        m_table->setItem(i, BaseColumn, new QTableWidgetItem(shown(fieldSpec, base)));
        auto* mine = new QTableWidgetItem(shown(fieldSpec, field.value(QStringLiteral("mine"))));
        m_table->setItem(i, MineColumn, mine);
        if (m_deleted)
            continue;
        auto* theirs =
            new QTableWidgetItem(shown(fieldSpec, field.value(QStringLiteral("theirs"))));
        m_table->setItem(i, TheirsColumn, theirs);
        if (field.value(QStringLiteral("mine")) != base)
            mine->setBackground(mineTint);
        if (field.value(QStringLiteral("theirs")) != base)
            theirs->setBackground(theirsTint);
        auto* keep = new QComboBox(m_table);
        keep->addItems({tr("Mine"), tr("Theirs"), tr("Type a value")});
        keep->setAccessibleName(
            tr("Keep for %1").arg(field.value(QStringLiteral("label")).toString()));
        RecordTableModel* referenced = nullptr;
        for (auto* table : tables) {
            if (fieldSpec && table->spec().name == fieldSpec->ref)
                referenced = table;
        }
        FieldSpec typedSpec;
        if (fieldSpec)
            typedSpec = *fieldSpec;
        else
            typedSpec.name = field.value(QStringLiteral("field")).toString();
        auto* typed = new FieldInput(typedSpec, referenced, users, m_table);
        typed->setValue(QJsonValue::fromVariant(field.value(QStringLiteral("mine"))));
        typed->setEditable(false);
        typed->setProblemShown(false); // no room in a cell: said under the table
        typed->editor()->setAccessibleName(
            tr("Value for %1").arg(field.value(QStringLiteral("label")).toString()));
        connect(typed, &FieldInput::edited, this, &ConflictDialog::validate);
        connect(keep, &QComboBox::currentIndexChanged, typed, [this, keep, typed] {
            typed->setEditable(keep->currentIndex() == 2);
            if (typed->isEditable())
                typed->focusToReplace();
            validate();
        });
        m_table->setCellWidget(i, KeepColumn, keep);
        m_table->setCellWidget(i, TypedColumn, typed);
        m_choices.append(keep);
        m_typed.append(typed);
    }
    m_table->resizeColumnsToContents();
    m_table->resizeRowsToContents();
    layout->addWidget(m_table, 1);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #dc2626;"));
    m_problem->hide();
    layout->addWidget(m_problem);

    auto* buttons = new QDialogButtonBox(this);
    if (m_changed) {
        connect(buttons->addButton(tr("Keep it"), QDialogButtonBox::AcceptRole),
                &QPushButton::clicked, this, [this] { decide(Decision::Discard); });
        connect(buttons->addButton(tr("Delete anyway"), QDialogButtonBox::DestructiveRole),
                &QPushButton::clicked, this, [this] { decide(Decision::DeleteAnyway); });
    } else if (m_deleted) {
        connect(buttons->addButton(tr("Restore with my changes"), QDialogButtonBox::AcceptRole),
                &QPushButton::clicked, this, [this] { decide(Decision::Restore); });
        connect(buttons->addButton(tr("Discard my changes"), QDialogButtonBox::DestructiveRole),
                &QPushButton::clicked, this, [this] { decide(Decision::Discard); });
    } else {
        connect(buttons->addButton(tr("Keep all mine"), QDialogButtonBox::ActionRole),
                &QPushButton::clicked, this, [this] { decide(Decision::KeepMine); });
        connect(buttons->addButton(tr("Take all theirs"), QDialogButtonBox::ActionRole),
                &QPushButton::clicked, this, [this] { decide(Decision::TakeTheirs); });
        m_apply = buttons->addButton(tr("Apply my choices"), QDialogButtonBox::AcceptRole);
        m_apply->setDefault(true);
        connect(m_apply, &QPushButton::clicked, this, [this] {
            if (problem().isEmpty())
                decide(Decision::Merge);
        });
    }
    connect(buttons->addButton(tr("Later"), QDialogButtonBox::RejectRole), &QPushButton::clicked,
            this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(720, 170 + 36 * static_cast<int>(m_fields.size()));
}

void ConflictDialog::decide(Decision decision)
{
    m_decision = decision;
    accept();
}

void ConflictDialog::choose(int fieldRow, Keep keep, const QString& typed)
{
    if (fieldRow < 0 || fieldRow >= m_choices.size())
        return;
    m_choices.at(fieldRow)->setCurrentIndex(static_cast<int>(keep));
    if (keep == Keep::Typed)
        m_typed.at(fieldRow)->type(typed);
    validate();
}

QString ConflictDialog::problem() const
{
    for (int i = 0; i < m_choices.size(); ++i) {
        if (static_cast<Keep>(m_choices.at(i)->currentIndex()) != Keep::Typed)
            continue;
        if (const QString problem = m_typed.at(i)->problem(); !problem.isEmpty())
            return tr("%1: %2").arg(
                m_fields.at(i).toMap().value(QStringLiteral("label")).toString(), problem);
    }
    return {};
}

void ConflictDialog::validate()
{
    const QString problem = this->problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (m_apply)
        m_apply->setEnabled(problem.isEmpty());
}

bool ConflictDialog::isHighlighted(int fieldRow, int column) const
{
    const QTableWidgetItem* item = m_table->item(fieldRow, column);
    return item && item->background().style() != Qt::NoBrush;
}

QJsonObject ConflictDialog::mergedValues() const
{
    QJsonObject values;
    for (int i = 0; i < m_choices.size(); ++i) {
        const QVariantMap field = m_fields.at(i).toMap();
        const QString name = field.value(QStringLiteral("field")).toString();
        switch (static_cast<Keep>(m_choices.at(i)->currentIndex())) {
        case Keep::Mine:
            values.insert(name, QJsonValue::fromVariant(field.value(QStringLiteral("mine"))));
            break;
        case Keep::Theirs:
            break; // theirs is what the record has
        case Keep::Typed:
            // Apply waits while a typed value is not valid, so there is always one here.
            values.insert(name, m_typed.at(i)->value().value_or(
                                    QJsonValue::fromVariant(field.value(QStringLiteral("mine")))));
            break;
        }
    }
    return values;
}

} // namespace crm
