#pragma once

#include <QList>
#include <QObject>

class QAction;
class QMainWindow;
class QSplitter;

namespace crm {

class ColumnLayout;

// The main window's arrangement as the agent leaves it: size and place, docks and toolbar
// (QMainWindow state), the modules | table | editor divider, whether the editor is put away,
// and each module's columns. Kept per user in QSettings (like the other preferences: the same
// screen whichever account is open), under window/ and columns/<module>/.
class WindowLayout : public QObject
{
    Q_OBJECT
public:
    // split holds modules, table and (optionally) editor; editorAction shows and hides the
    // editor (null without one).
    WindowLayout(QMainWindow* window, QSplitter* split, QAction* editorAction,
                 QList<ColumnLayout*> columns);

    // Reads what was saved; from then on save() writes. Until then save() does nothing, so a
    // window that never restored (tests, screenshot runs) leaves the settings alone.
    void restore();
    void save() const;
    // First show, nothing restored: the panes get shares of the window's width.
    void shareOut();
    void setEditorShown(bool shown);

private:
    QWidget* editor() const;

    QMainWindow* m_window;
    QSplitter* m_split;
    QAction* m_editorAction;
    QList<ColumnLayout*> m_columns;
    int m_editorWidth = 0;      // while the editor is hidden: its width before
    bool m_keep = false;        // restore() ran: save() writes
    bool m_sharePending = true; // shareOut() has not run and nothing was restored
};

} // namespace crm
