#include "ui/taskhistorypanel.h"

#include "models/tasklistmodel.h"
#include "ui/taskhistorydelegate.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace crm {

TaskHistoryPanel::TaskHistoryPanel(TaskListModel* tasks, QWidget* parent)
    : QWidget(parent), m_tasks(tasks)
{
    setAccessibleName(tr("Task history"));
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    layout->addWidget(m_summary);
    m_view = new QListView(this);
    m_view->setModel(tasks);
    m_view->setItemDelegate(new TaskHistoryDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setUniformItemSizes(true);
    m_view->setAccessibleName(tr("Recent tasks"));
    layout->addWidget(m_view, 1);
    auto* buttons = new QHBoxLayout;
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_retry = new QPushButton(tr("Retry"), this);
    m_saveOutput = new QPushButton(tr("Save export…"), this);
    m_saveReport = new QPushButton(tr("Save report…"), this);
    m_saveReport->setToolTip(tr("An import's rejected rows, or the duplicates found"));
    for (auto* button : {m_cancel, m_retry, m_saveOutput, m_saveReport})
        buttons->addWidget(button);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_choosePath = [this](const QString& suggested) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
        return QFileDialog::getSaveFileName(this, tr("Save task file"),
                                            QDir(dir).filePath(suggested), tr("CSV files (*.csv)"));
    };
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_tasks->cancel(currentId()); });
    connect(m_retry, &QPushButton::clicked, this, [this] { m_tasks->retry(currentId()); });
    connect(m_saveOutput, &QPushButton::clicked, this, [this] { save(QStringLiteral("output")); });
    connect(m_saveReport, &QPushButton::clicked, this, [this] { save(QStringLiteral("report")); });
    connect(m_tasks, &TaskListModel::fileFetched, this,
            [this](const QString& id, const QString& role, const QString& content) {
                if (m_waitingFor != id + u'/' + role)
                    return;
                m_waitingFor.clear();
                const QString path =
                    m_choosePath(QStringLiteral("task-%1-%2.csv").arg(id.left(8), role));
                if (path.isEmpty())
                    return;
                QFile file(path);
                if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                    file.write(content.toUtf8()) < 0) {
                    emit problem(tr("Could not save %1: %2").arg(path, file.errorString()));
                    return;
                }
                emit fileSaved(path);
            });
    connect(m_tasks, &TaskListModel::actionFailed, this,
            [this](const QString&, const QString& message) {
                m_waitingFor.clear();
                emit problem(message);
            });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &TaskHistoryPanel::updateButtons);
    connect(m_tasks, &QAbstractItemModel::dataChanged, this, &TaskHistoryPanel::updateButtons);
    connect(m_tasks, &QAbstractItemModel::rowsInserted, this, &TaskHistoryPanel::updateButtons);
    connect(m_tasks, &QAbstractItemModel::rowsRemoved, this, &TaskHistoryPanel::updateButtons);
    updateButtons();
}

QString TaskHistoryPanel::currentId() const
{
    return m_view->currentIndex().data(TaskListModel::IdRole).toString();
}

void TaskHistoryPanel::select(const QString& taskId)
{
    const int row = m_tasks->rowOf(taskId);
    if (row >= 0)
        m_view->setCurrentIndex(m_tasks->index(row));
}

void TaskHistoryPanel::updateButtons()
{
    const int active = m_tasks->activeCount();
    m_summary->setText(active > 0 ? tr("%n task(s) running", nullptr, active)
                                  : tr("No task running"));
    const QModelIndex current = m_view->currentIndex();
    const QString kind = current.data(TaskListModel::KindRole).toString();
    const QString status = current.data(TaskListModel::StatusRole).toString();
    m_cancel->setEnabled(current.data(TaskListModel::CanCancelRole).toBool());
    m_retry->setEnabled(current.data(TaskListModel::CanRetryRole).toBool());
    // A teammate's shared task shows its progress; its files are its owner's.
    const bool mayDownload = current.data(TaskListModel::CanDownloadRole).toBool();
    m_saveOutput->setEnabled(mayDownload && kind == u"csv_export" && status == u"completed");
    m_saveReport->setEnabled(mayDownload && (kind == u"csv_import" || kind == u"lead_dedupe") &&
                             !current.data(TaskListModel::ActiveRole).toBool() &&
                             current.isValid());
}

void TaskHistoryPanel::save(const QString& role)
{
    const QString id = currentId();
    if (id.isEmpty())
        return;
    m_waitingFor = id + u'/' + role;
    m_tasks->fetchFile(id, role);
}

} // namespace crm
