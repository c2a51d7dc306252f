#pragma once

#include <QColor>
#include <QFrame>

class QGraphicsDropShadowEffect;

namespace crm {

// The card every toast and task card is drawn on: an opaque, rounded surface in the theme's
// colours with a hairline border, a coloured stripe on the left saying what kind of notice it
// is, and a soft drop shadow that lifts it off whatever is behind. Painted, not styled: a style
// sheet's palette() is resolved once and misses a theme change, and an unknown palette role
// there silently leaves the card transparent (the table showed through the old cards).
class NoticeSurface : public QFrame
{
    Q_OBJECT
public:
    static constexpr int kRadius = 8;
    static constexpr int kStripe = 4;
    // Room a stack leaves around each card so the shadow is not cut off.
    static constexpr int kShadowPad = 12;

    explicit NoticeSurface(QWidget* parent = nullptr);

    void setAccent(const QColor& accent);
    // The height the card needs at a width (its wrapped text), or its size hint's if nothing
    // in it wraps.
    int heightFor(int width) const;
    QColor accent() const { return m_accent; }

    // The surface colour for a palette: Base (white) on a light theme, so the card stands out
    // from the grey window; on a dark theme a raised tone a little lighter than the window, as
    // dark surfaces gain elevation by getting lighter, not darker.
    static QColor surfaceColor(const QPalette& palette);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateShadow();

    QColor m_accent;
    QGraphicsDropShadowEffect* m_shadow;
};

} // namespace crm
