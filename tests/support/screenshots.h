// Taking the pictures in docs/screenshots: a window at full (1600 x 900) or half a screen's
// width (800 x 900), in the light or the dark theme, with an open popup (a menu) painted where
// it opened. Pictures are written to CRM_SCREENSHOT_DIR when it is set (scripts/screenshots.sh);
// otherwise every one is still rendered and checked.
#pragma once

#include "support/eventloop.h"
#include "support/settingssandbox.h"
#include "ui/theme.h"

#include <catch2/catch.hpp>
#include <QImage>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWidget>

namespace crm::test {

inline const QString kLight = QStringLiteral("light");
inline const QString kDark = QStringLiteral("dark");

enum class Width
{
    Full, // 1600 x 900
    Half, // 800 x 900
};

// Settings in a temporary folder (never the user's), the locale crm-desktop falls back to
// (en_US), the light theme; the system theme again afterwards.
struct ScreenshotSandbox : SettingsSandbox
{
    ScreenshotSandbox() { applyTheme(QStringLiteral("light")); }
    ~ScreenshotSandbox() { applyTheme(QStringLiteral("system")); }
};

// Sets the theme and lets every widget repaint with it.
inline void useTheme(const QString& theme)
{
    applyTheme(theme);
    QCoreApplication::sendPostedEvents();
    spin(std::chrono::milliseconds(80));
}

// Resizes a shown window and lets the layouts (and what floats over them) settle.
inline void useWidth(QWidget* window, Width width)
{
    const QSize size = width == Width::Full ? QSize(1600, 900) : QSize(800, 900);
    window->resize(size);
    REQUIRE(waitUntil([&] { return window->size() == size; }));
    QCoreApplication::sendPostedEvents();
    spin(std::chrono::milliseconds(120));
}

// The picture is not blank: a real rendering has many colours.
inline bool looksRendered(const QImage& image)
{
    if (image.isNull())
        return false;
    QList<QRgb> seen;
    for (int y = 0; y < image.height() && seen.size() < 8; y += 7) {
        for (int x = 0; x < image.width() && seen.size() < 8; x += 13) {
            const QRgb pixel = image.pixel(x, y);
            if (!seen.contains(pixel))
                seen.append(pixel);
        }
    }
    return seen.size() >= 8;
}

inline void keep(const QImage& picture, const QString& name)
{
    INFO(name.toStdString());
    CHECK(looksRendered(picture));
    const QString folder = qEnvironmentVariable("CRM_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        CHECK(picture.save(folder + u'/' + name));
}

inline void keep(QWidget* widget, const QString& name)
{
    QCoreApplication::sendPostedEvents();
    keep(widget->grab().toImage(), name);
}

// The window as its size and theme make it, named e.g. "x.png", "x-half.png", "x-dark.png".
inline void keepWindow(QWidget* window, const QString& name, Width width, const QString& theme)
{
    useTheme(theme);
    useWidth(window, width);
    keep(window, name);
    CHECK(window->grab().size() ==
          (width == Width::Full ? QSize(1600, 900) : QSize(800, 900)) * window->devicePixelRatio());
}

// The window with an open menu painted where it opened (`at`, in window coordinates; moved left
// to stay inside the window): how the agent sees it.
inline QImage withMenu(QWidget* window, QMenu* menu, QPoint at)
{
    REQUIRE(waitUntil([&] { return menu->isVisible(); }));
    QCoreApplication::sendPostedEvents();
    spin(std::chrono::milliseconds(80));
    QImage picture = window->grab().toImage();
    const QPixmap popup = menu->grab();
    at.setX(std::max(0, std::min(at.x(), window->width() - popup.width())));
    QPainter painter(&picture);
    painter.drawPixmap(at, popup);
    painter.end();
    return picture;
}

} // namespace crm::test
