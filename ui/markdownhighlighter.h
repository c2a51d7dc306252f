#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace crm {

// Shows the Markdown a note is written in as the agent expects a notes field to look: # headings
// larger and bold, **bold** bold (its stars faded), - and * list markers and 1. numbers in the
// accent colour. The text stays plain Markdown, so every peer (crm-cli, a web editor, the REST
// export) reads the same characters.
class MarkdownHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit MarkdownHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    QRegularExpression m_heading{QStringLiteral("^(#{1,3})\\s+.*$")};
    QRegularExpression m_bullet{QStringLiteral("^\\s*([-*+]|\\d+[.)])\\s")};
    QRegularExpression m_bold{QStringLiteral("\\*\\*([^*\\n]+)\\*\\*")};
};

} // namespace crm
