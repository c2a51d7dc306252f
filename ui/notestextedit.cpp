#include "ui/notestextedit.h"

#include "models/notemodel.h"
#include "ui/avatarpalette.h"
#include "ui/markdownhighlighter.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QScopedValueRollback>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolTip>

namespace crm {

namespace {

constexpr int kCaretWidth = 2;

// QTextDocument's raw text has U+2029 between paragraphs where the note has '\n'; nothing else
// is rewritten (toPlainText would also turn no-break spaces into spaces).
QString plainOf(QString text)
{
    text.replace(QChar::ParagraphSeparator, u'\n');
    return text;
}

} // namespace

NotesTextEdit::NotesTextEdit(QWidget* parent) : QPlainTextEdit(parent)
{
    setAccessibleName(tr("Notes"));
    setPlaceholderText(tr("Notes for the whole team: who promised what, what is late…\n"
                          "**bold**, # heading, - list"));
    // The document's own undo would take back colleagues' text too.
    setUndoRedoEnabled(false);
    setTabChangesFocus(true);
    new MarkdownHighlighter(document());
    connect(document(), &QTextDocument::contentsChange, this, &NotesTextEdit::onContentsChange);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, [this] {
        if (!m_model || m_applying)
            return;
        const QTextCursor cursor = textCursor();
        m_model->setCaret(cursor.anchor(), cursor.position());
    });
    setModel(nullptr);
}

void NotesTextEdit::setModel(NoteModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_shadow = model ? model->text() : QString();
    {
        const QScopedValueRollback guard(m_applying, true);
        setPlainText(m_shadow);
    }
    setReadOnly(!model || model->isReadOnly());
    if (!model)
        return;
    connect(model, &NoteModel::changed, this, &NotesTextEdit::applyChange);
    connect(model, &NoteModel::caretsChanged, this, &NotesTextEdit::refreshCarets);
    connect(model, &NoteModel::statusChanged, this,
            [this] { setReadOnly(!m_model || m_model->isReadOnly()); });
    refreshCarets();
}

void NotesTextEdit::setColorOf(std::function<QColor(const QString& userId)> colorOf)
{
    m_colorOf = std::move(colorOf);
    viewport()->update();
}

// The colleague's avatar colour in this window, else the colour their editor sent, else one of
// the avatar colours picked by name.
QColor NotesTextEdit::colorOf(const NoteModel::Caret& caret) const
{
    if (m_colorOf && !caret.userId.isEmpty())
        if (const QColor shown = m_colorOf(caret.userId); shown.isValid())
            return shown;
    const QColor sent(caret.color);
    if (sent.isValid())
        return sent;
    return AvatarPalette::color(int(qHash(caret.name) % uint(AvatarPalette::size())));
}

void NotesTextEdit::onContentsChange(int position, int charsRemoved, int charsAdded)
{
    if (m_applying || !m_model)
        return;
    // Qt's counts are not always exact (the document's last paragraph, a paste with formats):
    // the edit is what differs from the model's text, starting no later than Qt says.
    const QString now = plainOf(document()->toRawText());
    qsizetype prefix = 0;
    const qsizetype shortest = std::min(now.size(), m_shadow.size());
    while (prefix < shortest && prefix < position && now.at(prefix) == m_shadow.at(prefix))
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < shortest - prefix &&
           now.at(now.size() - 1 - suffix) == m_shadow.at(m_shadow.size() - 1 - suffix))
        ++suffix;
    // Never between the halves of a surrogate pair: the edit takes the whole character.
    if (prefix > 0 && QChar::isHighSurrogate(now.at(prefix - 1).unicode()))
        --prefix;
    if (suffix > 0 && QChar::isLowSurrogate(now.at(now.size() - suffix).unicode()))
        --suffix;
    const qsizetype removed = m_shadow.size() - prefix - suffix;
    const QString inserted = now.mid(prefix, now.size() - prefix - suffix);
    Q_UNUSED(charsRemoved)
    Q_UNUSED(charsAdded)
    if (removed == 0 && inserted.isEmpty())
        return;
    m_shadow = now;
    m_model->edit(prefix, removed, inserted);
}

void NotesTextEdit::applyChange(qsizetype position, qsizetype removed, const QString& inserted)
{
    const QScopedValueRollback guard(m_applying, true);
    QTextCursor cursor(document());
    cursor.setPosition(int(std::min(position, m_shadow.size())));
    cursor.setPosition(int(std::min(position + removed, m_shadow.size())), QTextCursor::KeepAnchor);
    cursor.insertText(inserted);
    m_shadow.replace(position, removed, inserted);
    viewport()->update();
}

void NotesTextEdit::refreshCarets()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (m_model) {
        for (const NoteModel::Caret& caret : m_model->carets()) {
            if (caret.anchor == caret.head)
                continue;
            QTextEdit::ExtraSelection selection;
            selection.cursor = QTextCursor(document());
            selection.cursor.setPosition(int(std::min(caret.anchor, m_shadow.size())));
            selection.cursor.setPosition(int(std::min(caret.head, m_shadow.size())),
                                         QTextCursor::KeepAnchor);
            QColor shade = colorOf(caret);
            shade.setAlpha(60);
            selection.format.setBackground(shade);
            selections.append(selection);
        }
    }
    setExtraSelections(selections);
    viewport()->update();
}

QList<QPair<QString, QRect>> NotesTextEdit::caretRects() const
{
    QList<QPair<QString, QRect>> rects;
    if (!m_model)
        return rects;
    for (const NoteModel::Caret& caret : m_model->carets()) {
        QTextCursor at(document());
        at.setPosition(int(std::min(caret.head, m_shadow.size())));
        QRect rect = cursorRect(at);
        rect.setWidth(kCaretWidth);
        rects.append({caret.name, rect});
    }
    return rects;
}

void NotesTextEdit::paintEvent(QPaintEvent* event)
{
    QPlainTextEdit::paintEvent(event);
    if (!m_model)
        return;
    QPainter painter(viewport());
    QFont label = font();
    label.setPointSizeF(label.pointSizeF() * 0.8);
    label.setBold(true);
    painter.setFont(label);
    const QFontMetrics metrics(label);
    const QList<NoteModel::Caret> carets = m_model->carets();
    const auto rects = caretRects();
    for (qsizetype i = 0; i < carets.size() && i < rects.size(); ++i) {
        const QColor colour = colorOf(carets.at(i));
        const QRect caret = rects.at(i).second;
        painter.fillRect(caret, colour);
        if (!carets.at(i).typing)
            continue;
        // While they type, their name flies above the caret, as in every shared editor.
        const QString name = carets.at(i).name;
        QRect flag(caret.left(), caret.top() - metrics.height() - 2,
                   metrics.horizontalAdvance(name) + 8, metrics.height() + 2);
        if (flag.top() < 0)
            flag.moveTop(caret.bottom() + 1);
        if (flag.right() >= viewport()->width())
            flag.moveRight(viewport()->width() - 1);
        painter.fillRect(flag, colour);
        painter.setPen(AvatarPalette::contrastRatio(colour, Qt::white) >= 3.0 ? Qt::white
                                                                              : Qt::black);
        painter.drawText(flag, Qt::AlignCenter, name);
    }
}

bool NotesTextEdit::event(QEvent* event)
{
    // Undo and redo here are the note's, read-only or not: never the record editor's "undo the
    // last save" shortcut around it.
    if (event->type() == QEvent::ShortcutOverride && m_model) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
            event->accept();
            return true;
        }
    }
    if (event->type() == QEvent::ToolTip) {
        const QPoint at = viewport()->mapFromGlobal(static_cast<QHelpEvent*>(event)->globalPos());
        for (const auto& [name, rect] : caretRects()) {
            if (rect.adjusted(-4, 0, 4, 0).contains(at)) {
                QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), name, this);
                return true;
            }
        }
        QToolTip::hideText();
    }
    return QPlainTextEdit::event(event);
}

void NotesTextEdit::keyPressEvent(QKeyEvent* event)
{
    if (m_model && !isReadOnly()) {
        if (event->matches(QKeySequence::Undo)) {
            m_model->undo();
            return;
        }
        if (event->matches(QKeySequence::Redo)) {
            m_model->redo();
            return;
        }
        if (event->matches(QKeySequence::Bold) ||
            (event->key() == Qt::Key_B && event->modifiers() == Qt::ControlModifier)) {
            toggleBold();
            return;
        }
    }
    // A moved caret starts a new undo step: typing here and typing there are undone apart.
    const bool moves = event->matches(QKeySequence::MoveToNextChar) ||
                       event->matches(QKeySequence::MoveToPreviousChar) ||
                       event->matches(QKeySequence::MoveToNextLine) ||
                       event->matches(QKeySequence::MoveToPreviousLine);
    if (moves && m_model)
        m_model->stopCapturing();
    QPlainTextEdit::keyPressEvent(event);
}

void NotesTextEdit::toggleBold()
{
    QTextCursor cursor = textCursor();
    const QString selected = plainOf(cursor.selectedText());
    cursor.beginEditBlock();
    if (selected.size() >= 4 && selected.startsWith(u"**") && selected.endsWith(u"**"))
        cursor.insertText(selected.mid(2, selected.size() - 4));
    else
        cursor.insertText(QStringLiteral("**%1**").arg(selected));
    cursor.endEditBlock();
    if (selected.isEmpty()) {
        cursor.movePosition(QTextCursor::Left, QTextCursor::MoveAnchor, 2);
        setTextCursor(cursor);
    }
}

} // namespace crm
