#include "ui/glyphiconengine.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace crm {

namespace {

void polyline(QPainterPath& path, std::initializer_list<QPointF> points)
{
    path.moveTo(*points.begin());
    for (auto point = points.begin() + 1; point != points.end(); ++point)
        path.lineTo(*point);
}

// Each glyph on a 24 x 24 grid, stroked.
QPainterPath glyphPath(const QString& glyph)
{
    QPainterPath path;
    if (glyph == u"escrows") { // a deed with a seal
        polyline(path, {{14, 3}, {6, 3}, {6, 21}, {18, 21}, {18, 7}, {14, 3}, {14, 7}, {18, 7}});
        path.addEllipse(QPointF(12, 14.5), 2.5, 2.5);
    } else if (glyph == u"listings") { // a house
        polyline(path, {{3.5, 11}, {12, 4}, {20.5, 11}});
        polyline(path, {{6, 9.5}, {6, 20}, {18, 20}, {18, 9.5}});
        polyline(path, {{10, 20}, {10, 15}, {14, 15}, {14, 20}});
    } else if (glyph == u"clients") { // a person
        path.addEllipse(QPointF(12, 8), 3.5, 3.5);
        path.moveTo(5, 20);
        path.cubicTo(5, 16, 8, 14, 12, 14);
        path.cubicTo(16, 14, 19, 16, 19, 20);
    } else if (glyph == u"appointments") { // a calendar page
        path.addRoundedRect(QRectF(4, 5, 16, 15), 2, 2);
        polyline(path, {{4, 10}, {20, 10}});
        polyline(path, {{8, 3}, {8, 7}});
        polyline(path, {{16, 3}, {16, 7}});
    } else if (glyph == u"leads") { // a target
        for (const qreal radius : {8.0, 4.5, 1.0})
            path.addEllipse(QPointF(12, 12), radius, radius);
    } else if (glyph == u"tasks") { // a ticked box
        path.addRoundedRect(QRectF(4, 4, 16, 16), 3, 3);
        polyline(path, {{8, 12}, {11, 15}, {16, 9}});
    } else {
        path.addEllipse(QPointF(12, 12), 3, 3);
    }
    return path;
}

QColor inkFor(QIcon::Mode mode)
{
    const QPalette palette = QGuiApplication::palette();
    switch (mode) {
    case QIcon::Disabled:
        return palette.color(QPalette::Disabled, QPalette::WindowText);
    case QIcon::Selected:
        return palette.color(QPalette::Active, QPalette::HighlightedText);
    case QIcon::Normal:
    case QIcon::Active:
        break;
    }
    return palette.color(QPalette::Active, QPalette::WindowText);
}

} // namespace

GlyphIconEngine::GlyphIconEngine(QString glyph) : m_glyph(std::move(glyph)) {}

QIcon GlyphIconEngine::icon(const QString& glyph)
{
    return QIcon(new GlyphIconEngine(glyph));
}

void GlyphIconEngine::paint(QPainter* painter, const QRect& rect, QIcon::Mode mode,
                            QIcon::State /*state*/)
{
    const qreal side = std::min(rect.width(), rect.height());
    if (side <= 0)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->translate(rect.x() + (rect.width() - side) / 2.0,
                       rect.y() + (rect.height() - side) / 2.0);
    painter->scale(side / 24.0, side / 24.0);
    QPen pen(inkFor(mode), 1.75, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(glyphPath(m_glyph));
    painter->restore();
}

QPixmap GlyphIconEngine::pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state)
{
    // QIcon asks for device pixels (the logical size times the screen's ratio): drawn there,
    // the paths stay sharp on any screen.
    QPixmap pixmap(size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    paint(&painter, QRect(QPoint(0, 0), size), mode, state);
    return pixmap;
}

QIconEngine* GlyphIconEngine::clone() const
{
    return new GlyphIconEngine(m_glyph);
}

QString GlyphIconEngine::key() const
{
    return QStringLiteral("crm-glyph");
}

QString GlyphIconEngine::iconName()
{
    return m_glyph;
}

} // namespace crm
