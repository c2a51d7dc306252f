#include "ui/avatarpalette.h"

#include "models/presencestore.h"

#include <array>
#include <cmath>

namespace crm {

namespace {

// Tailwind's 600-800 shades, chosen greedily for distance from each other, and ordered so that
// neighbouring slots are far apart too: the presence store hands a newcomer whose colour is taken
// the next slot, which must not then look like the one it avoided. White on each: red 6.5,
// cyan 5.4, yellow 6.9, violet 7.1, emerald 5.5, pink 6.0, blue 5.2, amber 5.0, teal 7.6,
// fuchsia 6.3, lime 5.0, indigo 9.9 (checked by test_desktop_presence).
constexpr std::array<QRgb, 12> kColours = {
    0xb91c1c, // red 700
    0x0e7490, // cyan 700
    0x854d0e, // yellow 800
    0x6d28d9, // violet 700
    0x047857, // emerald 700
    0xbe185d, // pink 700
    0x2563eb, // blue 600
    0xb45309, // amber 700
    0x115e59, // teal 800
    0xa21caf, // fuchsia 700
    0x4d7c0f, // lime 700
    0x3730a3, // indigo 800
};
static_assert(kColours.size() == PresenceStore::kColorSlots,
              "one colour per slot the presence store hands out");

double linear(double channel)
{
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

double encoded(double linearValue)
{
    return linearValue <= 0.0031308 ? linearValue * 12.92
                                    : 1.055 * std::pow(linearValue, 1.0 / 2.4) - 0.055;
}

} // namespace

int AvatarPalette::size()
{
    return static_cast<int>(kColours.size());
}

QColor AvatarPalette::color(int slot)
{
    const int count = size();
    return QColor::fromRgb(kColours.at(static_cast<size_t>(((slot % count) + count) % count)));
}

double AvatarPalette::relativeLuminance(const QColor& colour)
{
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) +
           0.0722 * linear(colour.blueF());
}

double AvatarPalette::contrastRatio(const QColor& a, const QColor& b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor AvatarPalette::greyed(const QColor& colour)
{
    // A grey of equal luminance keeps the initials' contrast exactly.
    const double level = encoded(relativeLuminance(colour));
    return QColor::fromRgbF(static_cast<float>(level), static_cast<float>(level),
                            static_cast<float>(level));
}

} // namespace crm
