#include "ui/markdownhighlighter.h"

#include <QGuiApplication>
#include <QPalette>
#include <QTextDocument>

namespace crm {

MarkdownHighlighter::MarkdownHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {}

void MarkdownHighlighter::highlightBlock(const QString& text)
{
    const QPalette palette = QGuiApplication::palette();
    QColor faded = palette.color(QPalette::PlaceholderText);

    if (const auto heading = m_heading.match(text); heading.hasMatch()) {
        QTextCharFormat format;
        format.setFontWeight(QFont::Bold);
        // "#" is the largest; "###" a little larger than the text.
        format.setFontPointSize(document()->defaultFont().pointSizeF() *
                                (1.0 + 0.15 * (4 - heading.capturedLength(1))));
        setFormat(0, int(text.size()), format);
        QTextCharFormat marks = format;
        marks.setForeground(faded);
        setFormat(0, int(heading.capturedLength(1)), marks);
        return;
    }
    if (const auto bullet = m_bullet.match(text); bullet.hasMatch()) {
        QTextCharFormat marker;
        marker.setForeground(palette.color(QPalette::Highlight));
        marker.setFontWeight(QFont::Bold);
        setFormat(int(bullet.capturedStart(1)), int(bullet.capturedLength(1)), marker);
    }
    for (auto bold = m_bold.globalMatch(text); bold.hasNext();) {
        const auto match = bold.next();
        QTextCharFormat strong;
        strong.setFontWeight(QFont::Bold);
        setFormat(int(match.capturedStart(1)), int(match.capturedLength(1)), strong);
        QTextCharFormat stars;
        stars.setForeground(faded);
        setFormat(int(match.capturedStart(0)), 2, stars);
        setFormat(int(match.capturedEnd(0)) - 2, 2, stars);
    }
}

} // namespace crm
