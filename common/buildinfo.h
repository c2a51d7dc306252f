#pragma once

#include <QString>

// What this binary is: `--version`, Help > About and the server's /api/health all read it here.
namespace crm::buildinfo {

// CMake's project version, the one place a release number is written.
QString version();
// The desktop app's reverse-DNS id: its .desktop file, AppStream id and icon name.
QString appId();
// The source revision it was built from (`git describe`), "unknown" outside a checkout.
QString revision();
// "0.1.0 (v0.1.0-12-gabc1234)": what `--version` prints after the program's name.
inline QString versionLine()
{
    return version() + QStringLiteral(" (") + revision() + u')';
}

} // namespace crm::buildinfo
