#pragma once

#include <QColor>

namespace crm {

// The colours avatars are drawn in, one per PresenceStore colour slot. Twelve hues picked to be
// told apart at a glance (CIELAB distance of 21 or more between any two), each dark enough for
// white initials (WCAG contrast 4.5:1 or more), none of them grey (grey means "last known, not
// live" in AvatarStrip).
struct AvatarPalette
{
    static int size();
    // The colour of a slot; any int is folded into the palette.
    static QColor color(int slot);
    // WCAG 2.x relative luminance (0 black .. 1 white) and contrast ratio (1 .. 21).
    static double relativeLuminance(const QColor& colour);
    static double contrastRatio(const QColor& a, const QColor& b);
    // The same luminance without hue: a stale avatar, still readable with white initials.
    static QColor greyed(const QColor& colour);
};

} // namespace crm
