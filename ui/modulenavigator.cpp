#include "ui/modulenavigator.h"

#include "models/recordtablemodel.h"
#include "protocol/recordschema.h"
#include "ui/glyphiconengine.h"

#include <QAction>

namespace crm {

ModuleNavigator::ModuleNavigator(const QList<RecordTableModel*>& tables, QWidget* parent)
    : QListWidget(parent), m_tables(tables)
{
    setAccessibleName(tr("Modules"));
    setFrameShape(QFrame::NoFrame);
    setSpacing(2);
    setIconSize(QSize(18, 18));
    for (int i = 0; i < tables.size(); ++i) {
        addItem(QString());
        item(i)->setIcon(GlyphIconEngine::icon(tables.at(i)->spec().name));
        const auto recount = [this, i] { updateCount(i); };
        connect(tables.at(i), &QAbstractItemModel::rowsInserted, this, recount);
        connect(tables.at(i), &QAbstractItemModel::rowsRemoved, this, recount);
        connect(tables.at(i), &QAbstractItemModel::modelReset, this, recount);
        updateCount(i);
        if (i < 9) {
            auto* jump = new QAction(this);
            jump->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
            connect(jump, &QAction::triggered, this, [this, i] { setCurrentRow(i); });
            addAction(jump);
        }
    }
    connect(this, &QListWidget::currentRowChanged, this, &ModuleNavigator::moduleChosen);
    setMinimumWidth(sizeHintForColumn(0) + 24);
}

void ModuleNavigator::updateCount(int index)
{
    RecordTableModel* table = m_tables.at(index);
    QListWidgetItem* entry = item(index);
    entry->setText(tr("%1  (%2)").arg(table->spec().label, QLocale().toString(table->rowCount())));
    entry->setToolTip(tr("%1 (Ctrl+%2)").arg(table->spec().label).arg(index + 1));
}

} // namespace crm
