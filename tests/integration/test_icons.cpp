// The app icon and the module glyphs: drawn at the screen's density, in the palette's colours.
#include "ui/glyphiconengine.h"
#include "ui/theme.h"

#include <catch2/catch.hpp>
#include <QApplication>
#include <QImage>
#include <QPalette>
#include <QPixmap>

using namespace crm;

namespace {

const QStringList kModules{QStringLiteral("escrows"), QStringLiteral("listings"),
                           QStringLiteral("clients"), QStringLiteral("appointments"),
                           QStringLiteral("leads"),   QStringLiteral("tasks")};

int paintedPixels(const QImage& image)
{
    int painted = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            painted += qAlpha(image.pixel(x, y)) > 0 ? 1 : 0;
    }
    return painted;
}

// The colour of the most opaque pixel: the ink of a line icon, without antialiasing's blend.
QColor inkOf(const QImage& image)
{
    QColor ink;
    int best = -1;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() > best) {
                best = c.alpha();
                ink = c;
            }
        }
    }
    return ink;
}

bool sameRgb(const QColor& a, const QColor& b)
{
    return std::abs(a.red() - b.red()) <= 2 && std::abs(a.green() - b.green()) <= 2 &&
           std::abs(a.blue() - b.blue()) <= 2;
}

} // namespace

TEST_CASE("The app icon is drawn from its SVG at the screen's density", "[ui][icons]")
{
    const QIcon icon = applicationIcon();
    REQUIRE_FALSE(icon.isNull());
    const QPixmap pixmap = icon.pixmap(QSize(32, 32), 2.0);
    CHECK(pixmap.size() == QSize(64, 64)); // device pixels, not an upscaled 32 x 32
    CHECK(pixmap.devicePixelRatio() == 2.0);
    const QImage image = pixmap.toImage();
    CHECK(sameRgb(image.pixelColor(7, 32), QColor(0x1f, 0x5f, 0xbf)));  // the blue tile
    CHECK(image.pixelColor(1, 1).alpha() < 128);                        // rounded corner
    CHECK(sameRgb(image.pixelColor(48, 48), QColor(0x2f, 0xb3, 0x6b))); // the live dot
}

TEST_CASE("Module glyphs: sharp at any ratio, distinct, in the palette's ink for each mode",
          "[ui][icons]")
{
    applyTheme(QStringLiteral("light"));
    QList<QImage> drawn;
    for (const auto& module : kModules) {
        const QIcon icon = GlyphIconEngine::icon(module);
        const QPixmap hiDpi = icon.pixmap(QSize(18, 18), 2.0);
        CHECK(hiDpi.size() == QSize(36, 36));
        const QImage image = hiDpi.toImage();
        INFO(module.toStdString());
        CHECK(paintedPixels(image) > 60);
        CHECK(paintedPixels(image) < 36 * 36 / 2); // a line icon, not a blot
        CHECK(sameRgb(inkOf(image), QApplication::palette().color(QPalette::WindowText)));
        const QImage selected = icon.pixmap(QSize(18, 18), 2.0, QIcon::Selected).toImage();
        CHECK(sameRgb(inkOf(selected), QApplication::palette().color(QPalette::HighlightedText)));
        for (const auto& other : drawn)
            CHECK(other != image);
        drawn.append(image);
    }

    // The dark palette redraws them light on dark: nothing is cached in the old colour.
    const QColor lightInk =
        inkOf(GlyphIconEngine::icon(QStringLiteral("leads")).pixmap(18).toImage());
    applyTheme(QStringLiteral("dark"));
    const QColor darkInk =
        inkOf(GlyphIconEngine::icon(QStringLiteral("leads")).pixmap(18).toImage());
    CHECK(sameRgb(darkInk, QApplication::palette().color(QPalette::WindowText)));
    CHECK_FALSE(sameRgb(darkInk, lightInk));
    applyTheme(QStringLiteral("system"));
}
