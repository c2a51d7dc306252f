#include "ui/windowlayout.h"

#include "ui/columnlayout.h"
#include "ui/mainwindow.h"
#include "ui/uilogging.h"

#include <algorithm>
#include <QAction>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>

namespace crm {

WindowLayout::WindowLayout(QMainWindow* window, QSplitter* split, QAction* editorAction,
                           QList<ColumnLayout*> columns)
    : QObject(window), m_window(window), m_split(split), m_editorAction(editorAction),
      m_columns(std::move(columns))
{
    if (m_editorAction)
        connect(m_editorAction, &QAction::toggled, this, &WindowLayout::setEditorShown);
}

QWidget* WindowLayout::editor() const
{
    return m_editorAction && m_split->count() == 3 ? m_split->widget(2) : nullptr;
}

void WindowLayout::setEditorShown(bool shown)
{
    QWidget* panel = editor();
    if (!panel || shown == !panel->isHidden())
        return;
    if (!shown) {
        m_editorWidth = panel->width();
        panel->hide();
        return;
    }
    // The table gives back what the editor had, so the editor returns as the agent left it.
    // Measured once it is shown: its divider takes room too.
    panel->show();
    if (m_window->isVisible()) {
        QList<int> sizes = m_split->sizes();
        const int room = sizes[1] + sizes[2];
        sizes[2] =
            std::clamp(m_editorWidth, MainWindow::kEditorMinWidth,
                       std::max(MainWindow::kEditorMinWidth, room - MainWindow::kTableMinWidth));
        sizes[1] = room - sizes[2];
        m_split->setSizes(sizes);
    }
}

void WindowLayout::shareOut()
{
    if (!m_sharePending)
        return;
    m_sharePending = false;
    // The modules take what their names need, the editor about a third (within limits that
    // keep its form readable and the table wide), the table the rest.
    const int width = m_split->width();
    const int modules = std::clamp(width / 7, m_split->widget(0)->minimumWidth(), 200);
    const int panel = editor() ? std::clamp(width * 3 / 10, MainWindow::kEditorMinWidth, 420) : 0;
    QList<int> sizes{modules, std::max(MainWindow::kTableMinWidth, width - modules - panel)};
    if (m_split->count() == 3)
        sizes.append(panel);
    m_split->setSizes(sizes);
}

void WindowLayout::restore()
{
    m_keep = true;
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    if (!m_window->restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray()))
        qCDebug(lcUi) << "no saved window geometry: the default size";
    m_window->restoreState(settings.value(QStringLiteral("state")).toByteArray());
    if (m_editorAction)
        m_editorAction->setChecked(settings.value(QStringLiteral("editor"), true).toBool());
    QList<int> sizes;
    for (const QVariant& size : settings.value(QStringLiteral("splitter")).toList())
        sizes.append(size.toInt());
    if (sizes.size() == m_split->count()) {
        m_split->setSizes(sizes); // below a minimum, a pane gets its minimum
        m_sharePending = false;
        if (editor())
            m_editorWidth = sizes.last();
    }
    settings.endGroup();
    for (ColumnLayout* columns : std::as_const(m_columns))
        columns->restore(settings);
}

void WindowLayout::save() const
{
    if (!m_keep)
        return;
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), m_window->saveGeometry());
    settings.setValue(QStringLiteral("state"), m_window->saveState());
    QVariantList sizes;
    for (const int size : m_split->sizes())
        sizes.append(size);
    if (editor() && editor()->isHidden())
        sizes.last() = m_editorWidth; // its width for when it comes back
    settings.setValue(QStringLiteral("splitter"), sizes);
    settings.setValue(QStringLiteral("editor"), !m_editorAction || m_editorAction->isChecked());
    settings.endGroup();
    for (ColumnLayout* columns : m_columns)
        columns->save(settings);
}

} // namespace crm
