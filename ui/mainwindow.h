#pragma once

#include "ui/conflictdialog.h"
#include "ui/workspace.h"

#include <functional>
#include <QMainWindow>
#include <QTimer>

class QAbstractItemModel;
class QAction;
class QComboBox;
class QDockWidget;
class QMenu;
class QSplitter;
class QStackedWidget;

namespace crm {

class ModuleNavigator;
class RecordEditor;
class ActivityPanel;
class RecordTablePane;
class TaskCardStack;
class TaskHistoryPanel;

// The agent's window: modules on the left with their counts, the module's table in the middle,
// the selected record's editor on the right; in the header, who is online, the notification
// center, the agent's own status and the always-visible connection badge. A View menu opens the
// connection log. The agent turns "away" after some idle minutes and back on return.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    static constexpr int kIdleAwayMinutes = 5;

    explicit MainWindow(const Workspace& workspace, QWidget* parent = nullptr);

    // Who the agent is, once the server said so (window title, "who else views this").
    void setOwnUser(const QString& userId, const QString& name);
    RecordTablePane* pane(int module) const;
    RecordEditor* editor() const { return m_editor; }
    TaskCardStack* taskCards() const { return m_taskCards; }
    TaskHistoryPanel* taskHistory() const { return m_taskHistory; }
    ActivityPanel* activity() const { return m_activity; }
    // False when the agent chose to stay on unsaved changes (Settings: ask).
    bool showModule(int module);
    // Opens a record (from a notification, say) without losing the agent's place elsewhere.
    void openRecord(const QString& module, const QString& recordId);
    // Walks the open conflicts, one dialog each, until they are done or the agent says later.
    void resolveConflicts();
    // One conflict's dialog (the editor's banner); false when the agent said later.
    bool resolveConflict(qint64 conflictId);
    // What quitting now would leave behind (unsaved edits, changes not sent yet), in words;
    // empty when nothing.
    QString unfinishedWork() const;
    // Says it and asks; true when the agent still wants to quit.
    bool confirmQuit();

    // Notifications, idle time and theme from the settings.
    void applySettings();

    // The window as the agent left it (size, place, docks, divider, each module's columns),
    // from QSettings; from then on the window keeps its layout there when it closes. A window
    // that never restored (a test, a screenshot run) leaves the settings alone.
    void restoreLayout();
    void saveLayout() const;
    // View > Record editor: hides the editor for a wider table, and brings it back.
    QAction* editorAction() const { return m_editorAction; }
    QSplitter* splitter() const { return m_split; }

    // Narrower than this, a pane stops giving way (the divider stops, the window scrolls).
    static constexpr int kTableMinWidth = 380;
    static constexpr int kEditorMinWidth = 240;

signals:
    // File > Switch account / Sign out: the app owns sessions, so it does the work.
    // The agent closed the window (File > Quit, the title bar) and confirmed: the app ends.
    void closed();
    void switchAccountRequested();
    void signOutRequested();
    // The agent decided a conflict; the app has the resolver act on it.
    void conflictDecided(qint64 conflictId, crm::ConflictDialog::Decision decision,
                         const QJsonObject& mergedValues);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildMenus();
    class NoticeArea* notices(); // made on first use
    QAction* countedAction(QMenu* menu, QAbstractItemModel* model, const QString& text,
                           const QString& textWithCount);
    void setOwnStatus(const QString& status);
    void chooseOwnPicture();
    std::function<void(const QString&)> pictureAnswer();

    Workspace m_workspace;
    ModuleNavigator* m_navigator = nullptr;
    QStackedWidget* m_panes = nullptr;
    RecordEditor* m_editor = nullptr;
    QComboBox* m_status = nullptr;
    QTimer m_idle;
    class ToastStack* m_toasts = nullptr;
    // Toasts and task cards float over the editor's column, above its buttons.
    class NoticeArea* m_notices = nullptr;
    class DesktopNotifier* m_notifier = nullptr;
    TaskCardStack* m_taskCards = nullptr;
    TaskHistoryPanel* m_taskHistory = nullptr;
    QDockWidget* m_taskDock = nullptr;
    ActivityPanel* m_activity = nullptr;
    bool m_awayBecauseIdle = false;
    QSplitter* m_split = nullptr;
    QAction* m_editorAction = nullptr;
    class WindowLayout* m_layout = nullptr;
};

} // namespace crm
