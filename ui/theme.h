#pragma once

#include <QIcon>
#include <QString>

namespace crm {

// "system" follows the OS (its style and palette); "light" and "dark" use the Fusion style with
// a palette of their own, so both read well on every OS.
void applyTheme(const QString& theme);

// The app's own icon (a scalable SVG, drawn by Qt's SVG icon engine at each screen's density):
// windows, the tray and the desktop entry show it.
QIcon applicationIcon();

} // namespace crm
