#include "ui/conflictdialog.h"

#include "models/conflictmodel.h"
#include "models/schema/recordschema.h"
#include "ui/recorddelegate.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
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

// What the agent typed, as the same JSON type the field had.
QJsonValue typedValue(const QString& text, const QVariant& example)
{
    if (text.trimmed().isEmpty())
        return QJsonValue(QJsonValue::Null);
    bool isNumber = false;
    const double number = text.toDouble(&isNumber);
    const bool numeric = example.typeId() == QMetaType::Double ||
                         example.typeId() == QMetaType::LongLong ||
                         example.typeId() == QMetaType::Int;
    return numeric && isNumber ? QJsonValue(number) : QJsonValue(text.trimmed());
}

} // namespace

ConflictDialog::ConflictDialog(const ConflictModel& conflicts, int row, QWidget* parent)
    : QDialog(parent), m_table(new QTableWidget(this))
{
    const QModelIndex index = conflicts.index(row);
    m_conflictId = index.data(ConflictModel::ConflictIdRole).toLongLong();
    m_deleted = index.data(ConflictModel::KindRole).toString() == QStringLiteral("deleted");
    m_changed = index.data(ConflictModel::KindRole).toString() == QStringLiteral("changed");
    m_fields = index.data(ConflictModel::FieldsRole).toList();
    const ModuleSpec* spec =
        RecordSchema::instance().module(index.data(ConflictModel::ModuleRole).toString());
    setWindowTitle(tr("Resolve a conflict"));
    setAccessibleName(tr("Conflict resolution"));

    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(index.data().toString(), this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    layout->addWidget(heading);
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
        auto* typed = new QLineEdit(m_table);
        typed->setEnabled(false);
        typed->setAccessibleName(
            tr("Value for %1").arg(field.value(QStringLiteral("label")).toString()));
        connect(keep, &QComboBox::currentIndexChanged, typed, [keep, typed] {
            typed->setEnabled(keep->currentIndex() == 2);
            if (typed->isEnabled())
                typed->setFocus();
        });
        m_table->setCellWidget(i, KeepColumn, keep);
        m_table->setCellWidget(i, TypedColumn, typed);
        m_choices.append(keep);
        m_typed.append(typed);
    }
    m_table->resizeColumnsToContents();
    layout->addWidget(m_table, 1);

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
        auto* apply = buttons->addButton(tr("Apply my choices"), QDialogButtonBox::AcceptRole);
        apply->setDefault(true);
        connect(apply, &QPushButton::clicked, this, [this] { decide(Decision::Merge); });
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
    m_typed.at(fieldRow)->setText(typed);
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
            values.insert(name,
                          typedValue(m_typed.at(i)->text(), field.value(QStringLiteral("mine"))));
            break;
        }
    }
    return values;
}

} // namespace crm
