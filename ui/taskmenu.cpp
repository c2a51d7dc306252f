#include "ui/taskmenu.h"

#include "models/recordtablemodel.h"
#include "models/tasklistmodel.h"
#include "protocol/recordschema.h"
#include "ui/recordtablepane.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

namespace crm {

namespace {

QString moduleOf(RecordTablePane* pane)
{
    return pane ? pane->table()->spec().name : QString();
}

} // namespace

TaskMenu::TaskMenu(TaskListModel* tasks, std::function<RecordTablePane*()> currentPane,
                   QAction* history, QWidget* parent)
    : QMenu(tr("&Tasks"), parent), m_tasks(tasks), m_currentPane(std::move(currentPane))
{
    addAction(tr("&Import CSV into this module…"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
              &TaskMenu::importCsv);
    addAction(tr("&Export this view to CSV"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
              &TaskMenu::exportView);
    addSeparator();
    addAction(tr("&Find duplicate leads"), this, [this] {
        start(QStringLiteral("lead_dedupe"), {}, {{QStringLiteral("merge"), false}});
    });
    addAction(tr("&Merge duplicate leads…"), this, &TaskMenu::mergeDuplicates);
    addSeparator();
    history->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    addAction(history);
}

void TaskMenu::importCsv()
{
    RecordTablePane* pane = m_currentPane();
    const QString module = moduleOf(pane);
    const QString path = QFileDialog::getOpenFileName(parentWidget(), tr("Import CSV"), {},
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(parentWidget(), tr("Import CSV"),
                             tr("Could not read %1: %2").arg(path, file.errorString()));
        return;
    }
    start(QStringLiteral("csv_import"),
          tr("Import %1 into %2").arg(QFileInfo(path).fileName(), module),
          {{QStringLiteral("module"), module}}, QString::fromUtf8(file.readAll()));
}

void TaskMenu::exportView()
{
    RecordTablePane* pane = m_currentPane();
    QJsonObject params{{QStringLiteral("module"), moduleOf(pane)}};
    if (pane && !pane->searchText().isEmpty())
        params.insert(QStringLiteral("search"), pane->searchText());
    start(QStringLiteral("csv_export"), {}, params);
}

void TaskMenu::mergeDuplicates()
{
    const auto answer = QMessageBox::question(
        parentWidget(), tr("Merge duplicate leads"),
        tr("Leads that are likely the same person are merged into the oldest one: its empty "
           "fields are filled from the others, and the others are deleted. Every step is in "
           "the activity history. Merge now?"));
    if (answer == QMessageBox::Yes)
        start(QStringLiteral("lead_dedupe"), {}, {{QStringLiteral("merge"), true}});
}

void TaskMenu::start(const QString& kind, const QString& title, const QJsonObject& params,
                     const QString& input)
{
    m_tasks->start(TaskStart{kind, title, params, input, false});
}

} // namespace crm
