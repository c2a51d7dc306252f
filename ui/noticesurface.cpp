#include "ui/noticesurface.h"

#include <QEvent>
#include <QGraphicsDropShadowEffect>
#include <QPainter>
#include <QPainterPath>

namespace crm {

NoticeSurface::NoticeSurface(QWidget* parent)
    : QFrame(parent), m_accent(palette().color(QPalette::Highlight)),
      m_shadow(new QGraphicsDropShadowEffect(this))
{
    // Opaque inside the rounded outline; the corners outside it show the parent, so the widget
    // as a whole is not declared opaque.
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    setAutoFillBackground(false);
    m_shadow->setBlurRadius(18);
    m_shadow->setOffset(0, 3);
    setGraphicsEffect(m_shadow);
    updateShadow();
}

void NoticeSurface::setAccent(const QColor& accent)
{
    if (accent == m_accent)
        return;
    m_accent = accent;
    update();
}

int NoticeSurface::heightFor(int width) const
{
    const int height = heightForWidth(width);
    return height >= 0 ? height : sizeHint().height();
}

QColor NoticeSurface::surfaceColor(const QPalette& palette)
{
    const QColor window = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    if (window.lightness() >= 128)
        return base.lightness() >= window.lightness() ? base : window.lighter(106);
    return window.lighter(130);
}

void NoticeSurface::updateShadow()
{
    // A dark theme needs a denser shadow to be seen at all against a dark window.
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    m_shadow->setColor(QColor(0, 0, 0, dark ? 150 : 70));
}

void NoticeSurface::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateShadow();
    QFrame::changeEvent(event);
}

void NoticeSurface::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF outline = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath shape;
    shape.addRoundedRect(outline, kRadius, kRadius);
    painter.fillPath(shape, surfaceColor(palette()));
    // The stripe follows the rounded outline on the left, inside the border.
    painter.save();
    painter.setClipPath(shape);
    painter.fillRect(QRectF(0, 0, kStripe, height()), m_accent);
    painter.restore();
    QColor border = palette().color(QPalette::Mid);
    painter.setPen(QPen(border, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(shape);
}

} // namespace crm
