#pragma once

class QAction;
class QDockWidget;
class QMainWindow;

namespace crm {

// A dock on the right of the main window (Activity, Task history), opened so that it never
// pushes the window past the screen's edge: beside the editor it needs its own width on top of
// the window's minimum, so a window too narrow for that gets the dock below the table instead,
// and beside it again once it fits (unless the agent put it somewhere else).
class SideDock
{
public:
    // The View menu's checkable entry for `dock`, opening it with show().
    static QAction* viewAction(QMainWindow& window, QDockWidget& dock);
    static void show(QMainWindow& window, QDockWidget& dock);
};

} // namespace crm
