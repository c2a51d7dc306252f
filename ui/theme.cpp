#include "ui/theme.h"

#include "ui/uilogging.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace crm {

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x20, 0x23, 0x28);
    const QColor base(0x17, 0x19, 0x1d);
    const QColor text(0xe6, 0xe8, 0xeb);
    const QColor disabled(0x7d, 0x84, 0x8d);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x1f, 0x22, 0x27));
    p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x4a, 0x50, 0x58));
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xf6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x60, 0xa5, 0xfa));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace

void applyTheme(const QString& theme)
{
    static const QString systemStyle = QApplication::style()->name();
    static QString current = QStringLiteral("system");
    if (theme == current)
        return;
    current = theme;
    QStyle* style = QStyleFactory::create(
        theme == QStringLiteral("system") ? systemStyle : QStringLiteral("Fusion"));
    if (!style)
        style = QStyleFactory::create(QStringLiteral("Fusion"));
    const QPalette palette =
        theme == QStringLiteral("dark") ? darkPalette() : style->standardPalette();
    // The palette before the style as well as after: setStyle() re-polishes the widgets that
    // have a style sheet (the main toolbar), and that polish fixes their palette as it is at that
    // moment, so later palette changes pass them by (the toolbar stayed light in the dark theme).
    QApplication::setPalette(palette);
    QApplication::setStyle(style);
    QApplication::setPalette(palette);
}

QIcon applicationIcon()
{
    QIcon icon(QStringLiteral(":/icons/crm-desktop.svg"));
    if (icon.pixmap(32).isNull()) // QIcon draws lazily: only drawing tells
        qCWarning(lcUi) << "the app icon cannot be drawn: is Qt's SVG icon engine (libqt6svg6) "
                           "installed?";
    return icon;
}

} // namespace crm
