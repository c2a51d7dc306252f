#pragma once

#include <QList>
#include <QPointer>
#include <QWidget>

namespace crm {

class NoticeStack;

// Where toasts and task cards live: a column of notices floating at the bottom of the record
// editor's column, above its Save / Undo / Delete row. Chosen because that corner covers
// neither the module list nor the table's rows (what the agent reads), keeps the editor's
// buttons clickable, and its lower part is usually empty (the forms are short and scroll).
// Stacks are added bottom-up: the first added sits lowest (task cards, which last), later ones
// above it (toasts, which come and go). The area is as wide as the column allows (up to
// kPreferredWidth) and takes at most kShareOfColumn percent of its height, so the upper part of
// the form always shows: the stacks fit what they can and keep the rest out of sight until
// there is room. Without an anchor column it uses the window's bottom-right corner.
class NoticeArea : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kPreferredWidth = 340;
    static constexpr int kMargin = 6; // from the column's edges and the buttons, besides shadows
    static constexpr int kShareOfColumn = 45;
    static constexpr int kMinHeight = 180; // a running task's card and a toast, in a short window

    explicit NoticeArea(QWidget* window);

    // The column to float over, and the widgets (its buttons) that must stay clear below.
    void setAnchor(QWidget* column, const QList<QWidget*>& keepClear);
    // Takes the stack in at a level: lower levels sit lower.
    void addStack(NoticeStack* stack, int level);
    // Where notices may go, in window coordinates.
    QRect available() const;
    void relayout();

signals:
    // How much of the anchor column's bottom the notices cover now (0: none), so what is
    // under them can make room and never be out of reach.
    void coveredChanged(int height);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    // A veil of the window colour behind the cards: the form under them never shows through
    // the gaps between notices as half-hidden strips of text.
    void paintEvent(QPaintEvent* event) override;

private:
    void place();
    void setCovered(int height);

    QPointer<QWidget> m_column;
    QList<QPointer<QWidget>> m_keepClear;
    QList<QPair<int, NoticeStack*>> m_stacks; // by level, bottom first
    int m_covered = 0;
    bool m_busy = false;
    bool m_again = false; // asked again while placing: a stack changed size meanwhile
};

} // namespace crm
