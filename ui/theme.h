#pragma once

#include <QString>

namespace crm {

// "system" follows the OS (its style and palette); "light" and "dark" use the Fusion style with
// a palette of their own, so both read well on every OS.
void applyTheme(const QString& theme);

} // namespace crm
