#include "ui/mainwindow.h"

#include "models/conflictmodel.h"
#include "models/failuremodel.h"
#include "models/presencestore.h"
#include "models/recordtablemodel.h"
#include "models/syncstatus.h"
#include "models/tasklistmodel.h"
#include "models/userpicturecache.h"
#include "protocol/recordschema.h"
#include "ui/aboutdialog.h"
#include "ui/activitypanel.h"
#include "ui/avatarpalette.h"
#include "ui/avatarpicture.h"
#include "ui/avatarstrip.h"
#include "ui/connectionbadge.h"
#include "ui/connectionlog.h"
#include "ui/desktopnotifier.h"
#include "ui/modulenavigator.h"
#include "ui/noticearea.h"
#include "ui/notificationbell.h"
#include "ui/recordeditor.h"
#include "ui/recordtablepane.h"
#include "ui/refusedchangesdialog.h"
#include "ui/settingsdialog.h"
#include "ui/sidedock.h"
#include "ui/taskcardstack.h"
#include "ui/taskhistorypanel.h"
#include "ui/taskmenu.h"
#include "ui/theme.h"
#include "ui/toaststack.h"
#include "ui/windowlayout.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

namespace crm {

MainWindow::MainWindow(const Workspace& workspace, QWidget* parent)
    : QMainWindow(parent), m_workspace(workspace)
{
    // Who and where; the platform adds the application's name ("— CRM Desktop") itself.
    setWindowTitle(workspace.ownName.isEmpty()
                       ? workspace.serverLabel
                       : tr("%1 - %2").arg(workspace.ownName, workspace.serverLabel));

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    if (workspace.presence) {
        m_status = new QComboBox(toolbar);
        m_status->setAccessibleName(tr("My status"));
        m_status->addItem(tr("Online"), QStringLiteral("online"));
        m_status->addItem(tr("Away"), QStringLiteral("away"));
        m_status->addItem(tr("Busy"), QStringLiteral("busy"));
        toolbar->addWidget(m_status);
        connect(m_status, &QComboBox::activated, this, [this] {
            m_awayBecauseIdle = false;
            setOwnStatus(m_status->currentData().toString());
        });
    }
    auto* spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    if (workspace.presence) {
        auto* people = new AvatarStrip(workspace.presence, toolbar);
        people->setMaxVisible(5);
        toolbar->addWidget(people);
        toolbar->addSeparator();
    }
    if (workspace.notifications) {
        auto* bell = new NotificationBell(workspace.notifications, toolbar);
        toolbar->addWidget(bell);
        connect(bell, &NotificationBell::openRecord, this, &MainWindow::openRecord);
        m_toasts = new ToastStack(workspace.notifications);
        connect(m_toasts, &ToastStack::openRecord, this, &MainWindow::openRecord);
        notices()->addStack(m_toasts, 1); // above the task cards: they come and go
        m_notifier = new DesktopNotifier(workspace.notifications, this);
        connect(m_notifier, &DesktopNotifier::openRecord, this, &MainWindow::openRecord);
    }
    auto* badge = new ConnectionBadge(workspace.status, toolbar);
    toolbar->addWidget(badge);
    toolbar->addAction(badge->retryAction()); // shows itself only while a retry waits

    auto* splitter = new QSplitter(this);
    m_navigator = new ModuleNavigator(workspace.tables, splitter);
    m_panes = new QStackedWidget(splitter);
    if (workspace.presence) {
        m_editor = new RecordEditor(workspace.presence, workspace.ownUserId, splitter);
        m_editor->setReferenceTables(workspace.tables);
        if (workspace.users)
            m_editor->setUserDirectory(workspace.users);
        if (workspace.openNote)
            m_editor->setNoteOpener([this](const QString& module, const QString& id) {
                const QString name =
                    m_workspace.ownName.isEmpty() ? tr("A colleague") : m_workspace.ownName;
                const int slot = PresenceStore::preferredColorSlot(m_workspace.ownUserId);
                return m_workspace.openNote(module, id, name, AvatarPalette::color(slot).name(),
                                            m_workspace.ownUserId);
            });
        m_editor->setMinimumWidth(kEditorMinWidth);
        // Notices keep clear of the editor's button row (Save is its default button).
        QList<QWidget*> keepClear;
        for (auto* button : m_editor->findChildren<QPushButton*>(Qt::FindDirectChildrenOnly)) {
            if (button->isDefault())
                keepClear.append(button);
        }
        if (auto* error = m_editor->findChild<QLabel*>(QStringLiteral("editorError")))
            keepClear.append(error); // "Not saved yet: ..." stays readable
        notices()->setAnchor(m_editor, keepClear);
        connect(notices(), &NoticeArea::coveredChanged, m_editor, &RecordEditor::setBottomReserve);
    }
    for (auto* table : workspace.tables) {
        auto* pane = new RecordTablePane(table, m_panes);
        m_panes->addWidget(pane);
        if (workspace.users)
            pane->setUserDirectory(workspace.users);
        if (!m_editor)
            continue;
        // Opening a row (double-click, Enter) brings back an editor the agent had put away.
        connect(pane->tableView(), &QAbstractItemView::activated, this, [this] {
            if (m_editorAction && !m_editorAction->isChecked())
                m_editorAction->setChecked(true);
        });
        connect(pane, &RecordTablePane::currentRecordChanged, this, [this, pane](int row) {
            if (!m_editor->showRecord(pane->table(), row)) {
                // The agent chose to stay on the record they were changing. The view is still
                // handling the click that moved it: put the selection back after it, quietly.
                QTimer::singleShot(0, pane, [pane, stay = m_editor->recordId()] {
                    const QSignalBlocker quiet(pane);
                    pane->selectRecord(stay);
                });
                return;
            }
            if (m_activity)
                m_activity->setCurrentRecord(pane->table()->spec().name,
                                             row >= 0 ? pane->table()->recordId(row) : QString());
        });
        connect(pane, &RecordTablePane::newRecordRequested, this, [this, pane] {
            if (m_editorAction && !m_editorAction->isChecked())
                m_editorAction->setChecked(true); // a new record is typed into the editor
            m_editor->createNew(pane->table());
        });
    }
    if (m_editor) {
        connect(m_editor, &RecordEditor::created, this, [this](const QString& id) {
            if (auto* current = qobject_cast<RecordTablePane*>(m_panes->currentWidget()))
                current->selectRecord(id);
        });
        if (workspace.conflicts) {
            m_editor->setConflicts(workspace.conflicts);
            connect(m_editor, &RecordEditor::resolveRequested, this, &MainWindow::resolveConflict);
        }
    }
    // A dragged divider stops at a pane's minimum instead of collapsing it out of sight; at
    // half a screen the editor and the table both narrow (by their share), the modules keep
    // their width. Sizes proportional to the window are set at the first show.
    m_split = splitter;
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->setChildrenCollapsible(false);
    m_panes->setMinimumWidth(kTableMinWidth);
    splitter->setStretchFactor(1, 3);
    if (m_editor)
        splitter->setStretchFactor(2, 1);
    setCentralWidget(splitter);
    connect(m_navigator, &ModuleNavigator::moduleChosen, this, &MainWindow::showModule);

    auto* logDock = new QDockWidget(tr("Connection log"), this);
    logDock->setObjectName(QStringLiteral("connectionLogDock"));
    logDock->setWidget(new ConnectionLog(workspace.status, logDock));
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    logDock->hide();
    buildMenus();
    if (m_editor) {
        // Put away for a wider table, never lost: the same action (or opening a row) brings it
        // back at the width it had.
        m_editorAction = new QAction(tr("Record &editor"), this);
        m_editorAction->setCheckable(true);
        m_editorAction->setChecked(true);
        m_editorAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"))->addAction(m_editorAction);
    }
    QList<ColumnLayout*> columns;
    for (int i = 0; i < m_panes->count(); ++i)
        columns.append(pane(i)->columns());
    m_layout = new WindowLayout(this, m_split, m_editorAction, columns);
    menuBar()
        ->findChild<QMenu*>(QStringLiteral("viewMenu"))
        ->addAction(logDock->toggleViewAction());
    if (workspace.activity) {
        auto* activityDock = new QDockWidget(tr("Activity"), this);
        activityDock->setObjectName(QStringLiteral("activityDock"));
        m_activity = new ActivityPanel(workspace.activity, workspace.users, activityDock);
        activityDock->setWidget(m_activity);
        addDockWidget(Qt::RightDockWidgetArea, activityDock);
        activityDock->hide();
        connect(m_activity, &ActivityPanel::openRecord, this, &MainWindow::openRecord);
        QAction* toggle = SideDock::viewAction(*this, *activityDock);
        toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
        menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"))->addAction(toggle);
    }
    if (workspace.tasks) {
        m_taskDock = new QDockWidget(tr("Task history"), this);
        m_taskDock->setObjectName(QStringLiteral("taskHistoryDock"));
        m_taskHistory = new TaskHistoryPanel(workspace.tasks, m_taskDock);
        m_taskDock->setWidget(m_taskHistory);
        addDockWidget(Qt::RightDockWidgetArea, m_taskDock);
        m_taskDock->hide();
        m_taskCards = new TaskCardStack(workspace.tasks);
        notices()->addStack(m_taskCards, 0); // lowest: cards stay put while toasts come and go
        connect(m_taskCards, &TaskCardStack::historyRequested, this,
                [this] { SideDock::show(*this, *m_taskDock); });
        connect(m_taskHistory, &TaskHistoryPanel::problem, this, [this](const QString& message) {
            QMessageBox::warning(this, tr("Task"), message);
        });
        connect(workspace.tasks, &TaskListModel::actionFailed, this,
                [this](const QString& id, const QString& message) {
                    // Cards and the history show a failed cancel or retry by their buttons;
                    // a start that never became a task has nowhere else to say why.
                    if (id.isEmpty())
                        QMessageBox::warning(this, tr("Task not started"), message);
                });
        menuBar()->addMenu(new TaskMenu(
            workspace.tasks,
            [this] { return qobject_cast<RecordTablePane*>(m_panes->currentWidget()); },
            SideDock::viewAction(*this, *m_taskDock), this));
    }
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About CRM Desktop"), this, [this] {
        AboutDialog(m_workspace.server, m_workspace.serverLabel, this).exec();
    });
    about->setMenuRole(QAction::AboutRole);

    // Away after idle minutes, back on the first key or click.
    m_idle.setSingleShot(true);
    m_idle.setInterval(std::chrono::minutes(kIdleAwayMinutes));
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_status && m_status->currentData() == QStringLiteral("online")) {
            m_awayBecauseIdle = true;
            setOwnStatus(QStringLiteral("away"));
        }
    });
    qApp->installEventFilter(this);
    applySettings();
    m_idle.start();

    if (!workspace.tables.isEmpty())
        m_navigator->setCurrentRow(0);
    resize(1280, 760);
}

QAction* MainWindow::countedAction(QMenu* menu, QAbstractItemModel* model, const QString& text,
                                   const QString& textWithCount)
{
    // Enabled only when there is something to do, and says how much.
    auto* action = menu->addAction(text);
    auto update = [model, action, text, textWithCount] {
        const int count = model->rowCount();
        action->setEnabled(count > 0);
        action->setText(count > 0 ? textWithCount.arg(count) : text);
    };
    connect(model, &QAbstractItemModel::rowsInserted, action, update);
    connect(model, &QAbstractItemModel::rowsRemoved, action, update);
    update();
    return action;
}

void MainWindow::chooseOwnPicture()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose your picture"),
        QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
        tr("Pictures (*.png *.jpg *.jpeg *.bmp *.gif)"));
    if (path.isEmpty())
        return;
    QString error;
    const auto bytes = AvatarPicture::fromFile(path, &error);
    if (!bytes) {
        QMessageBox::warning(this, tr("Your picture"), error);
        return;
    }
    m_workspace.pictures->setOwnPicture(*bytes, pictureAnswer());
}

std::function<void(const QString&)> MainWindow::pictureAnswer()
{
    // The change shows on every avatar of ours once the server has it; only a refusal or a
    // network failure needs words.
    return [window = QPointer<MainWindow>(this)](const QString& problem) {
        if (window && !problem.isEmpty())
            QMessageBox::warning(window, tr("Your picture"),
                                 tr("The server did not take the change: %1").arg(problem));
    };
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Settings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), this, [this] {
        SettingsDialog dialog(
            m_workspace.ownName.isEmpty()
                ? m_workspace.serverLabel
                : tr("%1 on %2").arg(m_workspace.ownName, m_workspace.serverLabel),
            this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        SettingsDialog::save(dialog.values());
        applySettings();
    });
    if (m_workspace.pictures) {
        file->addAction(tr("Set my &picture…"), this, &MainWindow::chooseOwnPicture);
        file->addAction(tr("Remove my picture"), this,
                        [this] { m_workspace.pictures->removeOwnPicture(pictureAnswer()); });
    }
    file->addSeparator();
    // Leaving the account leaves its window: unsaved and unsent work is said first.
    file->addAction(tr("S&witch account…"), this, [this] {
        if (confirmQuit())
            emit switchAccountRequested();
    });
    file->addAction(tr("Sign &out"), this, [this] {
        if (confirmQuit())
            emit signOutRequested();
    });
    file->addSeparator();
    // Through closeEvent, so unsaved and unsent work is said before the window goes.
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&New record"), QKeySequence::New, this, [this] {
        if (auto* current = qobject_cast<RecordTablePane*>(m_panes->currentWidget()))
            emit current->newRecordRequested();
    });
    if (m_workspace.conflicts) {
        auto* resolve = countedAction(edit, m_workspace.conflicts, tr("&Resolve conflicts…"),
                                      tr("&Resolve conflicts (%1)…"));
        resolve->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
        connect(resolve, &QAction::triggered, this, &MainWindow::resolveConflicts);
    }
    if (m_workspace.failures) {
        auto* refused = countedAction(edit, m_workspace.failures, tr("Re&fused changes…"),
                                      tr("Re&fused changes (%1)…"));
        connect(refused, &QAction::triggered, this, [this] {
            RefusedChangesDialog dialog(m_workspace.failures, this);
            connect(&dialog, &RefusedChangesDialog::openRecord, this, &MainWindow::openRecord);
            dialog.exec();
        });
        // The badge's menu offers it too: that is where an agent looks when something is off.
        if (auto* badge = findChild<ConnectionBadge*>())
            badge->menu()->addAction(refused);
    }
    edit->addAction(tr("&Find"), QKeySequence::Find, this, [this] {
        if (auto* current = qobject_cast<RecordTablePane*>(m_panes->currentWidget()))
            current->focusSearch();
    });
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
}

void MainWindow::setOwnUser(const QString& userId, const QString& name)
{
    m_workspace.ownUserId = userId;
    m_workspace.ownName = name;
    setWindowTitle(tr("%1 - %2").arg(name, m_workspace.serverLabel));
    if (m_editor)
        m_editor->setOwnUserId(userId);
}

RecordTablePane* MainWindow::pane(int module) const
{
    return qobject_cast<RecordTablePane*>(m_panes->widget(module));
}

bool MainWindow::showModule(int module)
{
    if (module < 0 || module >= m_panes->count())
        return false;
    const int before = m_panes->currentIndex();
    m_panes->setCurrentIndex(module);
    if (m_navigator->currentRow() != module) {
        const QSignalBlocker quiet(m_navigator); // this is the module being shown
        m_navigator->setCurrentRow(module);
    }
    if (!m_editor || m_editor->showRecord(pane(module)->table(), pane(module)->currentRow()))
        return true;
    // The agent chose to stay on the record they were changing: back to its module, without
    // asking again (the editor never left it) and after the list has handled the click.
    m_panes->setCurrentIndex(before);
    QTimer::singleShot(0, m_navigator, [this, before] {
        const QSignalBlocker quiet(m_navigator);
        m_navigator->setCurrentRow(before);
    });
    return false;
}

void MainWindow::openRecord(const QString& module, const QString& recordId)
{
    for (int i = 0; i < m_panes->count(); ++i) {
        if (pane(i)->table()->spec().name != module)
            continue;
        if (!showModule(i))
            return; // the agent stayed on unsaved changes elsewhere
        pane(i)->selectRecord(recordId);
        // A record with a conflict opens with the choice it is waiting for.
        const int row = pane(i)->table()->rowOf(recordId);
        if (row >= 0 &&
            pane(i)->table()->index(row, 0).data(RecordTableModel::ConflictRole).toBool())
            QMetaObject::invokeMethod(this, &MainWindow::resolveConflicts, Qt::QueuedConnection);
        return;
    }
}

NoticeArea* MainWindow::notices()
{
    if (!m_notices)
        m_notices = new NoticeArea(this);
    return m_notices;
}

void MainWindow::applySettings()
{
    const SettingsDialog::Values values = SettingsDialog::load();
    if (m_toasts) {
        m_toasts->setToastsEnabled(values.toasts);
        m_toasts->setSoundEnabled(values.sound);
    }
    if (m_notifier)
        m_notifier->setEnabled(values.tray);
    m_idle.setInterval(std::chrono::minutes(values.awayMinutes));
    if (m_editor)
        m_editor->setLeavePolicy(values.askBeforeLeavingEdits
                                     ? RecordEditor::LeavePolicy::Ask
                                     : RecordEditor::LeavePolicy::KeepDraft);
    applyTheme(values.theme);
}

bool MainWindow::resolveConflict(qint64 conflictId)
{
    for (int row = 0; m_workspace.conflicts && row < m_workspace.conflicts->rowCount(); ++row) {
        if (m_workspace.conflicts->index(row).data(ConflictModel::ConflictIdRole).toLongLong() !=
            conflictId)
            continue;
        ConflictDialog dialog(*m_workspace.conflicts, row, this, m_workspace.tables,
                              m_workspace.users);
        dialog.exec();
        if (dialog.decision() == ConflictDialog::Decision::None)
            return false;
        emit conflictDecided(conflictId, dialog.decision(), dialog.mergedValues());
        return true;
    }
    return false;
}

QString MainWindow::unfinishedWork() const
{
    QStringList parts;
    const int unsaved = m_editor ? m_editor->unsavedCount() : 0;
    if (unsaved > 0)
        parts.append(
            tr("You have unsaved changes in %n record(s). Quitting discards them.", "", unsaved));
    const int waiting = m_workspace.status ? m_workspace.status->pendingCount() : 0;
    if (waiting > 0)
        parts.append(tr("%n change(s) not sent yet. They are kept on this computer and sent the "
                        "next time you open CRM Desktop with this account.",
                        "", waiting));
    return parts.join(QStringLiteral("\n\n"));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!confirmQuit()) {
        event->ignore();
        return;
    }
    saveLayout();
    QMainWindow::closeEvent(event);
    emit closed();
}

bool MainWindow::confirmQuit()
{
    const QString work = unfinishedWork();
    if (work.isEmpty())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Quit CRM Desktop?"), work, QMessageBox::Cancel, this);
    QPushButton* quit = box.addButton(tr("Quit"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == quit;
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    m_layout->shareOut(); // once, by the width the window opens at
}

void MainWindow::restoreLayout()
{
    m_layout->restore();
}

void MainWindow::saveLayout() const
{
    m_layout->save();
}

void MainWindow::resolveConflicts()
{
    if (!m_workspace.conflicts)
        return;
    QSet<qint64> seen; // each conflict is offered once per round, even if it stays open
    for (int row = 0; row < m_workspace.conflicts->rowCount(); ++row) {
        const qint64 id =
            m_workspace.conflicts->index(row).data(ConflictModel::ConflictIdRole).toLongLong();
        if (seen.contains(id))
            continue;
        seen.insert(id);
        ConflictDialog dialog(*m_workspace.conflicts, row, this, m_workspace.tables,
                              m_workspace.users);
        dialog.exec();
        if (dialog.decision() == ConflictDialog::Decision::None)
            return; // "later"
        emit conflictDecided(id, dialog.decision(), dialog.mergedValues());
        row = -1; // rows moved: start over, skipping what was offered
    }
}

void MainWindow::setOwnStatus(const QString& status)
{
    if (!m_workspace.presence)
        return;
    m_workspace.presence->setOwnStatus(status);
    if (m_status)
        m_status->setCurrentIndex(std::max(0, m_status->findData(status)));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::Wheel:
        m_idle.start();
        if (m_awayBecauseIdle) {
            m_awayBecauseIdle = false;
            setOwnStatus(QStringLiteral("online"));
        }
        break;
    default:
        break;
    }
    return QMainWindow::eventFilter(watched, event);
}

} // namespace crm
