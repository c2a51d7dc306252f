#include "ui/sidedock.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QStyle>

namespace crm {

QAction* SideDock::viewAction(QMainWindow& window, QDockWidget& dock)
{
    auto* action = new QAction(dock.windowTitle(), &window);
    action->setCheckable(true);
    QObject::connect(dock.toggleViewAction(), &QAction::toggled, action, &QAction::setChecked);
    // Triggered, not toggled: the line above checks it without opening anything.
    QObject::connect(action, &QAction::triggered, &window, [&window, &dock](bool on) {
        if (on)
            show(window, dock);
        else
            dock.hide();
    });
    return action;
}

void SideDock::show(QMainWindow& window, QDockWidget& dock)
{
    // Placed before it shows: once shown beside, the window would already be on its way wider.
    if (!dock.isVisible() && !dock.isFloating()) {
        const int needed = window.centralWidget()->minimumSizeHint().width() +
                           dock.minimumSizeHint().width() +
                           2 * window.style()->pixelMetric(QStyle::PM_DockWidgetSeparatorExtent);
        const bool fits = needed <= window.width();
        const Qt::DockWidgetArea area = window.dockWidgetArea(&dock);
        if (area == Qt::RightDockWidgetArea && !fits) {
            window.addDockWidget(Qt::BottomDockWidgetArea, &dock);
            dock.setProperty("crmMovedBelow", true);
        } else if (area == Qt::BottomDockWidgetArea && fits &&
                   dock.property("crmMovedBelow").toBool()) {
            window.addDockWidget(Qt::RightDockWidgetArea, &dock);
            dock.setProperty("crmMovedBelow", false);
        }
    }
    dock.show();
    dock.raise();
}

} // namespace crm
