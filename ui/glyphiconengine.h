#pragma once

#include <QIconEngine>
#include <QString>

namespace crm {

// Line icons drawn as vector paths at whatever size and device pixel ratio they are asked for
// (crisp on any screen, no bitmap set to keep in step) and in the palette's own text colour for
// the icon's mode, so they follow light, dark and the selection. One per module, by its name.
class GlyphIconEngine : public QIconEngine
{
public:
    explicit GlyphIconEngine(QString glyph);

    // The icon for a module ("escrows", "listings", ...); a neutral dot for any other name.
    static QIcon icon(const QString& glyph);

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override;
    QIconEngine* clone() const override;
    QString key() const override;
    QString iconName() override;

private:
    QString m_glyph;
};

} // namespace crm
